//! A real HTTP/1.1 server on 127.0.0.1 for the network tests.
//!
//! It speaks plain HTTP over a TCP socket, so the client under test goes
//! through its whole stack (connection, headers, body reading). Each test
//! gives a handler that answers like the real API; the server records every
//! request so tests can count them and inspect what was sent.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct Hit {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Hit {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }
}

/// What the server sends back.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Wait this long before answering.
    pub delay: Duration,
    /// Announce the full length but close after this many body bytes.
    pub cut_after: Option<usize>,
}

impl Reply {
    pub fn json(status: u16, body: impl Into<String>) -> Reply {
        Reply {
            status,
            headers: vec![(
                "Content-Type".into(),
                "application/json; charset=utf-8".into(),
            )],
            body: body.into().into_bytes(),
            delay: Duration::ZERO,
            cut_after: None,
        }
    }

    /// An empty body, as DocSpace answers 401 and 403.
    pub fn empty(status: u16) -> Reply {
        Reply {
            status,
            headers: vec![],
            body: vec![],
            delay: Duration::ZERO,
            cut_after: None,
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn with_content_type(mut self, value: &str) -> Reply {
        self.headers
            .retain(|(k, _)| !k.eq_ignore_ascii_case("content-type"));
        self.headers.push(("Content-Type".into(), value.into()));
        self
    }

    pub fn delayed(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }

    pub fn cut_after(mut self, bytes: usize) -> Reply {
        self.cut_after = Some(bytes);
        self
    }
}

type Handler = dyn Fn(&Hit) -> Reply + Send + Sync;

pub struct Server {
    port: u16,
    hits: Arc<Mutex<Vec<Hit>>>,
    /// `https://localhost` for a TLS server, else `http://127.0.0.1`.
    origin: &'static str,
}

impl Server {
    pub fn start(handler: impl Fn(&Hit) -> Reply + Send + Sync + 'static) -> Server {
        Server::start_with(None, handler)
    }

    /// Like [`Server::start`], speaking TLS with `config`.
    pub fn start_tls(
        config: Arc<rustls::ServerConfig>,
        handler: impl Fn(&Hit) -> Reply + Send + Sync + 'static,
    ) -> Server {
        Server::start_with(Some(config), handler)
    }

    fn start_with(
        tls: Option<Arc<rustls::ServerConfig>>,
        handler: impl Fn(&Hit) -> Reply + Send + Sync + 'static,
    ) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().unwrap().port();
        let hits = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let recorded = hits.clone();
        let origin = if tls.is_some() {
            "https://localhost"
        } else {
            "http://127.0.0.1"
        };
        // The thread lives as long as the test process; tests are short.
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (handler, recorded, tls) = (handler.clone(), recorded.clone(), tls.clone());
                std::thread::spawn(move || {
                    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                    match tls.map(rustls::ServerConnection::new) {
                        None => serve(stream, &*handler, &recorded),
                        Some(Ok(conn)) => {
                            serve(rustls::StreamOwned::new(conn, stream), &*handler, &recorded)
                        }
                        Some(Err(_)) => {}
                    }
                });
            }
        });
        Server { port, hits, origin }
    }

    pub fn url(&self) -> String {
        format!("{}:{}", self.origin, self.port)
    }

    /// `host:port`, as a proxy's CONNECT names it.
    pub fn authority(&self) -> String {
        let host = self.origin.rsplit('/').next().unwrap_or_default();
        format!("{host}:{}", self.port)
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }

    pub fn count(&self, path: &str) -> usize {
        self.hits().iter().filter(|h| h.path() == path).count()
    }
}

fn serve(stream: impl Read + Write, handler: &Handler, recorded: &Mutex<Vec<Hit>>) {
    let mut reader = BufReader::new(stream);
    loop {
        let Some(hit) = read_request(&mut reader) else {
            return;
        };
        recorded.lock().unwrap().push(hit.clone());
        let reply = handler(&hit);
        std::thread::sleep(reply.delay);
        if write_reply(reader.get_mut(), &reply).is_err() || reply.cut_after.is_some() {
            return;
        }
        // A proxy that refuses a CONNECT closes the tunnel.
        if hit.method == "CONNECT" {
            return;
        }
    }
}

fn read_request(reader: &mut impl BufRead) -> Option<Hit> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':')?;
        headers.push((k.trim().to_owned(), v.trim().to_owned()));
    }
    let len = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    Some(Hit {
        method,
        target,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn write_reply(w: &mut impl Write, reply: &Reply) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (k, v) in &reply.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", reply.body.len()));
    w.write_all(head.as_bytes())?;
    let body = match reply.cut_after {
        Some(n) => &reply.body[..n.min(reply.body.len())],
        None => &reply.body,
    };
    w.write_all(body)?;
    w.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}
