//! Tickets against server-mock: default form, list, detail without internal comments.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::Harness;
use opencom_sdk::{AttachmentSource, Error, NewTicket, TicketPriority, TicketStatus};
use serde_json::json;

#[tokio::test]
async fn create_with_the_default_form_and_read_it_back() {
    let h = Harness::new().await;
    h.mock.set_default_ticket_form(
        &h.mock.workspace_id(),
        json!([
            {"id": "order", "type": "text", "label": "Order number", "required": true},
            {"id": "area", "type": "select", "label": "Area", "required": false, "options": ["billing", "tech"]}
        ]),
    );
    let client = h.client();
    client.start().await.unwrap();
    let tickets = client.tickets();

    let form = tickets.default_form().await.unwrap().unwrap();
    assert_eq!(form.fields.len(), 2);
    h.mock.clear_calls();
    let err = tickets.create(NewTicket::new("Refund")).await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput { ref field, .. } if field == "form_data.order"));
    assert!(h.calls_to("tickets:create").is_empty());

    let attachment = client
        .conversations()
        .upload(
            AttachmentSource::Bytes(b"receipt".to_vec()),
            "receipt.txt",
            None,
        )
        .await
        .unwrap();
    let id = tickets
        .create(
            NewTicket::new("Refund request")
                .description("Charged twice")
                .priority(TicketPriority::High)
                .field("order", "A-1001")
                .field("area", "billing")
                .attachment(attachment.id.clone()),
        )
        .await
        .unwrap();
    let list = tickets.list().await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].id, id);
    assert_eq!(list[0].status, TicketStatus::Submitted);
    assert_eq!(list[0].priority, TicketPriority::High);
    assert_eq!(list[0].attachments.len(), 1);
    let stored = h.mock.ticket(&id).unwrap();
    assert_eq!(stored["formData"]["order"], "A-1001");
}

#[tokio::test]
async fn internal_comments_never_surface() {
    let h = Harness::new().await;
    let client = h.client();
    client.start().await.unwrap();
    let id = client
        .tickets()
        .create(NewTicket::new("Help"))
        .await
        .unwrap();
    client
        .tickets()
        .add_comment(&id, "More details", &[])
        .await
        .unwrap();
    h.mock
        .add_ticket_comment(&id, "customer seems upset, escalate", true);
    h.mock
        .add_ticket_comment(&id, "We are looking into it", false);

    let detail = client.tickets().get(&id).await.unwrap();
    let contents: Vec<&str> = detail.comments.iter().map(|c| c.content.as_str()).collect();
    assert_eq!(contents, vec!["More details", "We are looking into it"]);
    assert!(!format!("{detail:?}").contains("escalate"));
    // The raw server answer does carry it (that is the leak the SDK shields hosts from).
    let raw_get = h.calls_to("tickets:getComments");
    assert_eq!(raw_get[0].args["includeInternal"], false);
    assert!(matches!(
        client.tickets().add_comment(&id, "  ", &[]).await,
        Err(Error::InvalidInput { .. })
    ));
}
