//! What every subcommand shares: the folders it reads, and how a usage
//! error ends. A module of its own, so the subcommands import a sibling,
//! never the module that declares them.

use crate::harness::Harness;
use crate::plan::Provider;
use crate::report::{shell_word, yaml_item};
use std::path::PathBuf;
use std::process::ExitCode;

/// Where specs and fixtures live.
#[derive(Debug, Default, clap::Args)]
pub(crate) struct Folders {
    /// Folder of spec files [env: PERMSPEC_SPECS] [default: specs]
    #[arg(long, value_name = "DIR")]
    pub specs: Option<PathBuf>,
    /// Folder of fixtures [env: PERMSPEC_FIXTURES] [default: fixtures]
    #[arg(long, value_name = "DIR")]
    pub fixtures: Option<PathBuf>,
}

impl Folders {
    /// The harness for these folders, and the options to repeat in the
    /// commands a failure prints.
    pub(crate) fn harness(&self) -> (Harness, String) {
        let mut args = String::new();
        let mut harness = Harness::from_cwd();
        if let Some(dir) = &self.specs {
            args.push_str(&format!(" --specs {}", shell_word(&dir.to_string_lossy())));
            harness = harness.specs_dir(dir);
        }
        if let Some(dir) = &self.fixtures {
            args.push_str(&format!(
                " --fixtures {}",
                shell_word(&dir.to_string_lossy())
            ));
            harness = harness.fixtures_dir(dir);
        }
        (harness, args)
    }
}

/// A usage error: the message, and exit status 2 (as clap's own).
pub(crate) fn usage(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

/// Which API to ask, as `init` and `inspect` take it: the provider and
/// the settings its spec header would hold.
#[derive(Debug, Default, clap::Args)]
pub(crate) struct ApiArgs {
    /// docspace, docspace-account, docspace-permissions, docspace-scopes, coveo, jwt,
    /// github, gitlab, slack, google, vault or kubernetes
    #[arg(long)]
    pub provider: String,
    /// The API's address (not for jwt; coveo may use --region instead; github, gitlab,
    /// slack and google default to their public address; init into an existing spec: its own)
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Coveo: the organization id
    #[arg(long)]
    pub organization: Option<String>,
    /// Coveo: us, eu, au, ca or hipaa
    #[arg(long)]
    pub region: Option<String>,
    /// Vault: a path whose capabilities are asked (repeat it for each; init into an
    /// existing spec: its `paths`)
    #[arg(long = "path", value_name = "PATH")]
    pub paths: Vec<String>,
    /// Kubernetes: a namespace to review (repeat it for each); Vault: the
    /// namespace (once); init into an existing spec: its own
    #[arg(long = "namespace", value_name = "NAME")]
    pub namespaces: Vec<String>,
}

/// Every provider but the two whose answer shape the spec itself
/// describes (`oauth2-introspection`'s client, `http`'s request), which
/// cannot be guessed, and `probes`, whose requests only a spec can say.
pub(crate) fn supported(p: Provider) -> bool {
    !matches!(
        p,
        Provider::OAuth2Introspection | Provider::Http | Provider::Probes
    )
}

impl ApiArgs {
    /// The provider `--provider` names, if `command` supports it; the
    /// address is checked too, since neither is ever echoed with a
    /// password in it. The error is a usage message.
    pub(crate) fn provider(&self, command: &str, otherwise: &str) -> Result<Provider, String> {
        let provider = Provider::from_name(&self.provider)
            .filter(|p| supported(*p))
            .ok_or_else(|| {
                let names: Vec<&str> = Provider::ALL
                    .iter()
                    .filter(|p| supported(**p))
                    .map(|p| p.name())
                    .collect();
                format!(
                    "{command} supports the providers {}; {otherwise}",
                    names.join(", ")
                )
            })?;
        if self
            .base_url
            .as_deref()
            .is_some_and(crate::plan::has_userinfo)
        {
            return Err(
                "--base-url carries a user name or password (any `@` counts); give the address \
                 alone, and the credential with --credential-env; if the password was real, \
                 rotate it"
                    .into(),
            );
        }
        Ok(provider)
    }

    /// The spec header these settings make.
    pub(crate) fn header(&self, provider: Provider) -> Result<String, String> {
        let mut h = format!("provider: {}\n", provider.name());
        match provider {
            Provider::Jwt => {}
            Provider::Coveo => {
                let org = self
                    .organization
                    .as_ref()
                    .ok_or("coveo needs --organization")?;
                h.push_str(&format!("organization: {org}\n"));
                match (&self.base_url, &self.region) {
                    (Some(url), None) => h.push_str(&format!("base_url: {url}\n")),
                    (None, Some(region)) => h.push_str(&format!("region: {region}\n")),
                    (None, None) => {}
                    (Some(_), Some(_)) => {
                        return Err("give --base-url or --region, not both".into());
                    }
                }
            }
            _ => match (&self.base_url, provider.default_base_url()) {
                (Some(url), _) => h.push_str(&format!("base_url: {url}\n")),
                // The default is left implicit, as the README's examples write it.
                (None, Some(_)) => {}
                (None, None) => return Err(format!("{} needs --base-url", provider.name())),
            },
        }
        let list = |items: &[String]| {
            items
                .iter()
                .map(|i| yaml_item(i))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match provider {
            Provider::Vault => {
                if self.paths.is_empty() {
                    return Err("vault needs --path for each path whose capabilities to ask".into());
                }
                match self.namespaces.as_slice() {
                    [] => {}
                    [ns] => h.push_str(&format!("namespace: {}\n", yaml_item(ns))),
                    _ => return Err("vault takes one --namespace".into()),
                }
                h.push_str(&format!("paths: [{}]\n", list(&self.paths)));
            }
            Provider::Kubernetes => {
                if self.namespaces.is_empty() {
                    return Err("kubernetes needs --namespace for each namespace to review".into());
                }
                h.push_str(&format!("namespaces: [{}]\n", list(&self.namespaces)));
            }
            _ if !self.paths.is_empty() || !self.namespaces.is_empty() => {
                return Err("--path and --namespace are for vault and kubernetes".into());
            }
            _ => {}
        }
        Ok(h)
    }
}

/// `{ env: VAR }` or `{ file: PATH }` for a spec, from the two flags; the
/// error is a usage message.
pub(crate) fn credential_source(
    env: &Option<String>,
    file: &Option<PathBuf>,
) -> Result<String, String> {
    match (env, file) {
        (Some(var), None) => Ok(format!("{{ env: {var} }}")),
        (None, Some(path)) => Ok(format!(
            "{{ file: {} }}",
            yaml_item(&path.to_string_lossy())
        )),
        _ => Err("give exactly one of --credential-env VAR or --credential-file PATH".into()),
    }
}
