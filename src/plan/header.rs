//! The keys at the top of a spec file: provider, where the API is, and
//! (Coveo) the organization and the caller.

use super::Credential;
use super::token::plan_credential;
use crate::provider::Provider;
use crate::provider::coveo::REGIONS;
use crate::spec::{Pos, RawSpec, SpecError};
use crate::suggest::did_you_mean;
use crate::template::Template;

pub(super) struct Header {
    pub provider: Provider,
    pub base_url: Template,
    pub organization: Option<String>,
    pub caller: Option<Credential>,
}

pub(super) fn plan_header(raw: &RawSpec) -> Result<Header, SpecError> {
    let name = &raw.provider.value;
    let provider = Provider::from_name(name).ok_or_else(|| {
        let known = Provider::ALL.iter().map(|p| p.name());
        let hint = match did_you_mean(name, known.clone()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("the providers are {}", known.collect::<Vec<_>>().join(", ")),
        };
        SpecError::at(
            Pos::of(&raw.provider),
            format!("unknown provider `{name}`"),
            Some(&hint),
        )
    })?;
    if !provider.is_coveo() {
        let coveo_only = [
            raw.organization
                .as_ref()
                .map(|o| ("organization", Pos::of(o))),
            raw.region.as_ref().map(|r| ("region", Pos::of(r))),
            raw.caller.as_ref().map(|c| ("caller", Pos::of(c))),
        ];
        if let Some((key, pos)) = coveo_only.into_iter().flatten().next() {
            return Err(SpecError::at(
                pos,
                format!("`{key}` is for provider coveo, not `{name}`"),
                Some("remove it"),
            ));
        }
    }
    let base_url = base_url(provider, raw)?;
    let organization = match (&raw.organization, provider.is_coveo()) {
        (Some(org), true) => {
            let valid = !org.value.is_empty()
                && org
                    .value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !valid {
                return Err(SpecError::at(
                    Pos::of(org),
                    format!("`{}` is not a Coveo organization id", org.value),
                    Some("it looks like mycoveocloudv2organizationg8tp8wu3"),
                ));
            }
            Some(org.value.clone())
        }
        (None, true) => {
            return Err(SpecError::at(
                Pos::of(&raw.provider),
                "provider `coveo` needs `organization`",
                Some("add `organization: <your organization id>`"),
            ));
        }
        (_, false) => None,
    };
    let caller = match &raw.caller {
        Some(c) => Some(plan_credential(provider, c)?),
        None => None,
    };
    Ok(Header {
        provider,
        base_url,
        organization,
        caller,
    })
}

fn base_url(provider: Provider, raw: &RawSpec) -> Result<Template, SpecError> {
    let written = match (&raw.base_url, &raw.region) {
        (Some(_), Some(region)) => {
            return Err(SpecError::at(
                Pos::of(region),
                "`region` and `base_url` both say where the API is",
                Some("keep one of them"),
            ));
        }
        (None, Some(region)) => {
            let url = REGIONS
                .iter()
                .find(|(r, _)| *r == region.value)
                .map(|(_, u)| *u);
            return url.map(Template::literal).ok_or_else(|| {
                let known = REGIONS.iter().map(|(r, _)| *r);
                let hint = match did_you_mean(&region.value, known.clone()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("the regions are {}", known.collect::<Vec<_>>().join(", ")),
                };
                SpecError::at(
                    Pos::of(region),
                    format!("unknown Coveo region `{}`", region.value),
                    Some(&hint),
                )
            });
        }
        (None, None) if provider.is_coveo() => return Ok(Template::literal(REGIONS[0].1)),
        (None, None) => {
            return Err(SpecError::at(
                Pos::of(&raw.provider),
                format!("provider `{}` needs `base_url`", provider.name()),
                Some(
                    "add `base_url: https://portal.example.com` (or `base_url: \"${DOCSPACE_URL}\"`)",
                ),
            ));
        }
        (Some(b), None) => b,
    };
    let template =
        Template::parse(&written.value).map_err(|e| SpecError::at(Pos::of(written), e, None))?;
    let scheme_ok = ["https://", "http://"]
        .iter()
        .any(|scheme| written.value.starts_with(scheme));
    if !(template.starts_with_variable() || scheme_ok) {
        return Err(SpecError::at(
            Pos::of(written),
            format!(
                "`base_url` must start with https:// (found `{}`)",
                written.value
            ),
            Some("write the API's address, such as https://portal.example.com"),
        ));
    }
    Ok(template)
}
