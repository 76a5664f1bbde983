//! `opencom_sdk::parse_deep_link` on arbitrary text: never panics, ids are always of the safe
//! shape, and every route it returns re-parses from its canonical link to the same route.
#![no_main]

use libfuzzer_sys::fuzz_target;
use opencom_sdk::{parse_deep_link, Route};

fn safe_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b';'))
}

fn canonical(route: &Route) -> String {
    match route {
        Route::Conversation { conversation_id } => {
            format!("opencom://conversation/{conversation_id}")
        }
        Route::Ticket { ticket_id } => format!("opencom://ticket/{ticket_id}"),
        Route::Article { article_id } => format!("opencom://article/{article_id}"),
        Route::Tickets => "opencom://tickets".into(),
        Route::Messenger => "opencom://messenger".into(),
        Route::HelpCenter => "opencom://help-center".into(),
        other => panic!("a deep link produced a push-only route: {other:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for link in [
        text.to_owned(),
        format!("opencom://{text}"),
        format!("https://opencom.app/{text}"),
    ] {
        let Some(route) = parse_deep_link(&link) else {
            continue;
        };
        match &route {
            Route::Conversation {
                conversation_id: id,
            }
            | Route::Ticket { ticket_id: id }
            | Route::Article { article_id: id } => {
                assert!(safe_id(id), "unsafe id {id:?} from {link:?}")
            }
            _ => {}
        }
        let again = canonical(&route);
        assert_eq!(parse_deep_link(&again), Some(route), "{link:?} → {again:?}");
    }
});
