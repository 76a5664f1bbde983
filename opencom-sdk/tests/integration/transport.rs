//! Retries, timeouts and failure mapping over real HTTP with server-mock's fault injection.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::time::Duration;

use common::Harness;
use opencom_sdk::{Error, RetryPolicy};
use server_mock::{Fault, FaultKind};

fn once(path: &str, kind: FaultKind) -> Fault {
    Fault {
        only_path: Some(path.to_owned()),
        kind,
        times: 1,
    }
}

#[tokio::test]
async fn queries_are_retried_after_5xx() {
    let h = Harness::new().await;
    let client = h.client();
    h.mock.faults().fail_next(503);
    let metadata = client.metadata().await.unwrap();
    assert_eq!(metadata["version"], "1.0");
    assert_eq!(h.calls_to("discovery:getMetadata").len(), 2);
}

#[tokio::test]
async fn a_non_idempotent_mutation_is_not_retried_after_an_ambiguous_failure() {
    let h = Harness::new().await;
    let client = h.client();
    let session = client.start().await.unwrap();
    h.mock
        .faults()
        .inject(once("events:track", FaultKind::DropAfterRun));
    let err = client
        .events()
        .track("maybe", Default::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Network { .. }), "{err:?}");
    assert_eq!(h.calls_to("events:track").len(), 1, "not re-sent");
    assert_eq!(
        h.mock.events(&session.visitor_id).len(),
        1,
        "it did run, once"
    );

    // A 5xx is ambiguous too.
    h.mock
        .faults()
        .inject(once("events:track", FaultKind::Status(500)));
    let err = client
        .events()
        .track("five", Default::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Server { .. }), "{err:?}");
    assert_eq!(h.calls_to("events:track").len(), 2);
}

#[tokio::test]
async fn a_mutation_that_provably_never_ran_is_retried() {
    let h = Harness::new().await;
    let client = h.client();
    let session = client.start().await.unwrap();
    h.mock.faults().inject(once(
        "events:track",
        FaultKind::RateLimited {
            retry_after: Duration::ZERO,
        },
    ));
    client
        .events()
        .track("limited", Default::default())
        .await
        .unwrap();
    assert_eq!(h.calls_to("events:track").len(), 2);
    assert_eq!(h.mock.events(&session.visitor_id).len(), 1);
}

#[tokio::test]
async fn idempotent_mutations_are_retried_after_a_dropped_connection() {
    let h = Harness::new().await;
    let client = h.client();
    client.start().await.unwrap();
    h.mock
        .faults()
        .inject(once("visitors:heartbeat", FaultKind::DropBeforeRun));
    client.visitor().heartbeat().await.unwrap();
    h.mock
        .faults()
        .inject(once("visitors:heartbeat", FaultKind::DropAfterRun));
    client.visitor().heartbeat().await.unwrap();
    assert_eq!(h.calls_to("visitors:heartbeat").len(), 4);
}

#[tokio::test]
async fn a_long_retry_after_becomes_rate_limited() {
    let h = Harness::new().await;
    let client = h
        .builder()
        .retry_policy(RetryPolicy::default().max_retry_after(Duration::from_millis(500)))
        .build()
        .unwrap();
    h.mock.faults().rate_limit_next(Duration::from_secs(7));
    let err = client.metadata().await.unwrap_err();
    assert_eq!(
        err,
        Error::RateLimited {
            retry_after: Some(Duration::from_secs(7))
        }
    );
}

#[tokio::test]
async fn malformed_bodies_and_timeouts_are_typed() {
    let h = Harness::new().await;
    let client = h
        .builder()
        .retry_policy(RetryPolicy::none())
        .request_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    h.mock.faults().malformed_next();
    assert!(matches!(client.metadata().await, Err(Error::Decode { .. })));
    h.mock.faults().latency_next(Duration::from_secs(3));
    assert_eq!(client.metadata().await.unwrap_err(), Error::Timeout);
    // Retries exhausted on persistent 5xx: the last error is reported.
    let retrying = h
        .builder()
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(3)
                .delays(Duration::from_millis(1), Duration::from_millis(2)),
        )
        .build()
        .unwrap();
    h.mock.clear_calls();
    h.mock.faults().inject(Fault {
        only_path: None,
        kind: FaultKind::Status(502),
        times: 3,
    });
    assert!(matches!(
        retrying.metadata().await,
        Err(Error::Server { .. })
    ));
    assert_eq!(h.calls_to("discovery:getMetadata").len(), 3);
}

#[tokio::test]
async fn function_errors_are_not_retried_and_are_mapped() {
    let h = Harness::new().await;
    // A second workspace that later adds an origin allowlist: the re-boot after logout is refused.
    let other = h.mock.create_workspace("Other");
    let client = h.builder_for(&other).build().unwrap();
    client.start().await.unwrap();
    h.mock
        .set_allowed_origins(&other, &["https://only.example.com"]);
    h.mock.clear_calls();
    let err = client.logout().await.unwrap_err();
    assert!(matches!(err, Error::NotAuthorized { .. }), "{err:?}");
    assert_eq!(h.calls_to("widgetSessions:boot").len(), 1, "not retried");
}

#[tokio::test]
async fn discovery_reads_the_well_known_document() {
    let h = Harness::new().await;
    let discovery = h.client().discover().await.unwrap();
    assert_eq!(discovery.version, "1.0");
    assert_eq!(discovery.convex_url, h.mock.url());
    assert!(discovery.features.contains(&"chat".to_string()));
}

/// A refused connection is `Error::Network` whose `source()` chain reaches the I/O error.
#[tokio::test]
async fn a_network_error_keeps_its_source_chain() {
    use std::error::Error as _;
    // A port nothing listens on: bind, take the port, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = opencom_sdk::Opencom::builder(&format!("http://127.0.0.1:{port}"), "ws1")
        .retry_policy(opencom_sdk::RetryPolicy::default().max_attempts(1))
        .build()
        .unwrap();
    let err = client.start().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Network {
                source: Some(_),
                ..
            }
        ),
        "{err:?}"
    );
    let mut chain = Vec::new();
    let mut next = err.source();
    while let Some(source) = next {
        chain.push(source.to_string());
        next = source.source();
    }
    assert!(chain.len() >= 2, "{chain:?}");
    assert!(
        chain.iter().any(|s| s.to_lowercase().contains("refused")),
        "the chain reaches the refused connection: {chain:?}"
    );
}
