//! A small HTTP/1.1 front for server-mock, for what the mock cannot do itself: answer a call
//! with a redirect, an oversized or chunked body, a foreign upload URL, or rewrite a call's
//! arguments on the way (a server that does not know a field the client sends). Everything a
//! rule does not take over is forwarded to the mock unchanged. One request per connection.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// A request the proxy received.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// The request target (`/api/mutation`, `/api/storage/upload?token=…`).
    pub target: String,
    /// The Convex function (`path` of a JSON body), if any.
    pub function: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// What to do with a request.
pub enum Reply {
    /// Forward it to the mock as it is.
    Forward,
    /// Forward it with this body instead.
    ForwardBody(Vec<u8>),
    /// Answer it here.
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        /// Send the body with `Transfer-Encoding: chunked` (64 KiB chunks, no Content-Length).
        chunked: bool,
    },
}

impl Reply {
    /// A Convex success envelope carrying `value`.
    pub fn success(value: serde_json::Value) -> Reply {
        Reply::Respond {
            status: 200,
            headers: vec![("content-type".into(), "application/json".into())],
            body: serde_json::to_vec(&serde_json::json!({"status": "success", "value": value}))
                .unwrap(),
            chunked: false,
        }
    }

    /// A redirect to `location`.
    pub fn redirect(status: u16, location: &str) -> Reply {
        Reply::Respond {
            status,
            headers: vec![("location".into(), location.into())],
            body: Vec::new(),
            chunked: false,
        }
    }
}

pub type Rule = Arc<dyn Fn(&Seen) -> Reply + Send + Sync>;

pub struct Proxy {
    pub url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: JoinHandle<()>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Proxy {
    /// Starts a proxy on 127.0.0.1 in front of `upstream` (the mock's URL).
    pub async fn start(upstream: &str, rule: Rule) -> Proxy {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let upstream = upstream.trim_end_matches('/').to_owned();
        let log = Arc::clone(&seen);
        let task = tokio::spawn(async move {
            let http = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap();
            while let Ok((stream, _)) = listener.accept().await {
                let (rule, log, http, upstream) = (
                    Arc::clone(&rule),
                    Arc::clone(&log),
                    http.clone(),
                    upstream.clone(),
                );
                tokio::spawn(async move {
                    let _ = serve(stream, &rule, &log, &http, &upstream).await;
                });
            }
        });
        Proxy { url, seen, task }
    }

    /// A proxy that records requests and answers every one `404` (a place redirects point to,
    /// to prove nothing reached it).
    pub async fn sink() -> Proxy {
        Proxy::start(
            "http://127.0.0.1:9",
            Arc::new(|_| Reply::Respond {
                status: 404,
                headers: Vec::new(),
                body: b"{}".to_vec(),
                chunked: false,
            }),
        )
        .await
    }

    /// Every request received so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

async fn serve(
    mut stream: TcpStream,
    rule: &Rule,
    log: &Mutex<Vec<Seen>>,
    http: &reqwest::Client,
    upstream: &str,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let head_end = loop {
        let mut chunk = [0u8; 8192];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or_default().to_owned();
    let target = request_line.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let mut chunk = vec![0u8; length - body.len()];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let function = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v.get("path").and_then(|p| p.as_str()).map(str::to_owned));
    let seen = Seen {
        method,
        target,
        function,
        headers,
        body,
    };
    log.lock().unwrap().push(seen.clone());
    let (status, headers, body, chunked) = match rule(&seen) {
        Reply::Respond {
            status,
            headers,
            body,
            chunked,
        } => (status, headers, body, chunked),
        reply => {
            let body = match reply {
                Reply::ForwardBody(body) => body,
                _ => seen.body.clone(),
            };
            let method = reqwest::Method::from_bytes(seen.method.as_bytes()).unwrap();
            let mut request = http.request(method, format!("{upstream}{}", seen.target));
            for (k, v) in &seen.headers {
                if !matches!(k.as_str(), "host" | "content-length" | "connection") {
                    request = request.header(k, v);
                }
            }
            let response = request.body(body).send().await.unwrap();
            let status = response.status().as_u16();
            let headers = response
                .headers()
                .iter()
                .filter(|(k, _)| k.as_str() == "content-type" || k.as_str() == "retry-after")
                .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_owned()))
                .collect();
            (
                status,
                headers,
                response.bytes().await.unwrap().to_vec(),
                false,
            )
        }
    };
    let mut out = format!("HTTP/1.1 {status} X\r\nconnection: close\r\n");
    for (k, v) in &headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    if chunked {
        out.push_str("transfer-encoding: chunked\r\n\r\n");
        stream.write_all(out.as_bytes()).await?;
        for chunk in body.chunks(64 * 1024) {
            stream
                .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
                .await?;
            stream.write_all(chunk).await?;
            stream.write_all(b"\r\n").await?;
        }
        stream.write_all(b"0\r\n\r\n").await?;
    } else {
        out.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
        stream.write_all(out.as_bytes()).await?;
        stream.write_all(&body).await?;
    }
    stream.flush().await?;
    let _ = stream.shutdown().await;
    Ok(())
}
