//! `server-mock`: runs the mock Opencom backend until Ctrl-C.
//!
//! ```text
//! cargo run -p server-mock -- --port 3210 --seed demo
//! OPENCOM_URL=http://127.0.0.1:3210
//! OPENCOM_WORKSPACE_ID=…
//! ```

use std::io::Write;
use std::time::Duration;

use clap::{Parser, ValueEnum};
use server_mock::{FaultKind, IdentityMode, MockOptions, Seed, ServerMock, TlsMode};

#[derive(Clone, Copy, Debug, ValueEnum)]
enum SeedArg {
    /// One workspace named "Opencom Demo" with the demo engagement content (a survey, a
    /// carousel, a checklist, an outbound post and banner, a tour, an article) and the AI agent
    /// on.
    Demo,
    /// One bare workspace.
    Empty,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum IdentityArg {
    Off,
    Optional,
    Required,
}

/// An in-memory, Convex-compatible emulator of the Opencom backend.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 3210)]
    port: u16,
    /// Initial data.
    #[arg(long, value_enum, default_value_t = SeedArg::Demo)]
    seed: SeedArg,
    /// Name of the default workspace.
    #[arg(long)]
    workspace_name: Option<String>,
    /// Delay every /api request by this many milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Probability (0..1) that an /api request fails with a random 5xx (500, 502 or 503).
    #[arg(long, default_value_t = 0.0)]
    fault_rate: f64,
    /// Seed for the random faults (random by default).
    #[arg(long)]
    fault_seed: Option<u64>,
    /// Session lifetime of the default workspace, in seconds (clamped to 1 h..7 d on use).
    #[arg(long)]
    session_lifetime_secs: Option<u64>,
    /// Identity verification mode of the default workspace; prints the secret when enabled.
    #[arg(long, value_enum, default_value_t = IdentityArg::Off)]
    identity_verification: IdentityArg,
    /// Refuse WebSocket upgrades on /api/sync (clients must poll over HTTP).
    #[arg(long)]
    no_websocket: bool,
    /// Turn CSAT collection on for the default workspace.
    #[arg(long)]
    csat: bool,
    /// Turn the (canned) AI agent on for the default workspace.
    #[arg(long)]
    ai: bool,
    /// Turn instant article suggestions on for the default workspace.
    #[arg(long)]
    suggestions: bool,
    /// Redact every function error to "[Request ID: …] Server Error", as production Convex does.
    #[arg(long)]
    redact_errors: bool,
    /// Serve HTTPS/WSS with a fresh test CA (ALPN h2 and http/1.1); writes the CA certificate
    /// (PEM) to --tls-ca-out and prints its path.
    #[arg(long)]
    tls: bool,
    /// With --tls: offer and speak only HTTP/1.1.
    #[arg(long, requires = "tls")]
    tls_http1_only: bool,
    /// With --tls: where to write the CA certificate (default: server-mock-ca-<port>.pem in the
    /// temp directory).
    #[arg(long, requires = "tls")]
    tls_ca_out: Option<std::path::PathBuf>,
    /// Interval of WebSocket ping frames on sync sockets, in milliseconds (default 5000, as Convex).
    #[arg(long)]
    ws_ping_interval_ms: Option<u64>,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();

    let mock = ServerMock::start_with(MockOptions {
        port: Some(args.port),
        seed: match args.seed {
            SeedArg::Demo => Seed::Demo,
            SeedArg::Empty => Seed::Empty,
        },
        workspace_name: args.workspace_name,
        tls: match (args.tls, args.tls_http1_only) {
            (false, _) => None,
            (true, false) => Some(TlsMode::H2AndHttp11),
            (true, true) => Some(TlsMode::Http11Only),
        },
        ws_ping_interval: args.ws_ping_interval_ms.map(Duration::from_millis),
        ..MockOptions::default()
    })
    .await?;
    let ca_path = match mock.ca_pem() {
        None => None,
        Some(pem) => {
            let path = args.tls_ca_out.unwrap_or_else(|| {
                let port = mock.url().rsplit(':').next().unwrap_or_default().to_owned();
                std::env::temp_dir().join(format!("server-mock-ca-{port}.pem"))
            });
            std::fs::write(&path, pem)?;
            Some(path)
        }
    };
    let workspace_id = mock.workspace_id();
    if matches!(args.seed, SeedArg::Demo) {
        let demo = mock.seed_engagement_demo(&workspace_id);
        tracing::info!(?demo, "demo engagement content");
    }
    let faults = mock.faults();
    faults.set_latency(Duration::from_millis(args.latency_ms));
    if let Some(seed) = args.fault_seed {
        faults.set_random_seed(seed);
    }
    if args.fault_rate > 0.0 {
        faults.set_random_faults(
            args.fault_rate,
            vec![
                FaultKind::Status(500),
                FaultKind::Status(502),
                FaultKind::Status(503),
            ],
        );
    }
    mock.set_ws_enabled(!args.no_websocket);
    if args.csat {
        mock.set_csat_enabled(&workspace_id, true);
    }
    // The engagement demo turns the AI agent on; the binary keeps it as `--ai` says (off by
    // default), so a host's tests see only the agent's replies unless they ask for AI answers.
    mock.set_ai_enabled(&workspace_id, args.ai);
    if args.suggestions {
        mock.set_suggestions_enabled(&workspace_id, true);
    }
    mock.set_redact_errors(args.redact_errors);
    if let Some(secs) = args.session_lifetime_secs {
        mock.set_session_lifetime(&workspace_id, Duration::from_secs(secs));
    }
    let secret = match args.identity_verification {
        IdentityArg::Off => None,
        IdentityArg::Optional => {
            Some(mock.enable_identity_verification(&workspace_id, IdentityMode::Optional))
        }
        IdentityArg::Required => {
            Some(mock.enable_identity_verification(&workspace_id, IdentityMode::Required))
        }
    };

    let mut out = std::io::stdout().lock();
    if let Some(path) = &ca_path {
        writeln!(out, "CA certificate: {}", path.display())?;
    }
    writeln!(out, "OPENCOM_URL={}", mock.url())?;
    writeln!(out, "OPENCOM_WORKSPACE_ID={workspace_id}")?;
    if let Some(secret) = secret {
        writeln!(out, "OPENCOM_IDENTITY_SECRET={secret}")?;
    }
    out.flush()?;
    drop(out);

    tokio::signal::ctrl_c().await?;
    tracing::info!("shutting down");
    drop(mock);
    Ok(())
}
