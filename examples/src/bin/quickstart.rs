//! The Opencom Rust SDK in one journey: boot, identify, track, a live conversation with an
//! attachment, an AI answer, a handoff and an agent reply, the client's event stream, help
//! center, engagement content (a survey, a carousel, an outbound post, a checklist, a product
//! tour), push, a ticket, restart from storage, log out.
//!
//! Runs against an in-process server-mock by default (which also plays the support agent and
//! holds the demo engagement content); set `OPENCOM_URL` and `OPENCOM_WORKSPACE_ID` to use a
//! real deployment instead (the agent steps are then skipped, and each engagement step uses
//! whatever the workspace publishes, or says there is none).
//!
//! ```text
//! cargo run -p opencom-examples --bin quickstart
//! ```
#![allow(clippy::print_stdout)]

use std::error::Error;
use std::sync::Arc;
use std::time::Duration;

use futures::{Stream, StreamExt};
use opencom_sdk::{
    parse_push, AdvanceInput, AdvanceMode, AdvanceOutcome, AiAnswer, AiFeedback, AttachmentSource,
    Attributes, CarouselImpression, ClientEvent, CompletionType, FileStorage, LiveStream, Message,
    NewTicket, Opencom, OpencomBuilder, OutboundAction, OutboundKind, OutgoingMessage,
    ProgressStatus, PushPlatform, QuestionKind, SurveyAnswer, SurveyImpression, SurveyQuestion,
    TrackOutcome, User,
};
use server_mock::{NewArticle, ServerMock};

/// The screen the visitor is on, for outbound messages and tours (targeting matches on it).
const CURRENT_URL: &str = "https://quickstart.example.com/home";

/// How long the journey waits for something the server pushes (an AI answer, a reply).
const WAIT: Duration = Duration::from_secs(10);

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    // The embedded server-mock shares this process's subscriber: its WebSocket library
    // (tungstenite, through axum) prints every frame it receives at TRACE, session tokens
    // included. The SDK uses no tungstenite, so capping that target hides only the server's side.
    let filter = std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".to_string());
    tracing_subscriber::fmt()
        .with_env_filter(format!("{filter},tungstenite=info"))
        .init();

    // 1. Where to talk to: a real deployment, or an embedded server-mock.
    let (mock, url, workspace_id) = match (
        std::env::var("OPENCOM_URL"),
        std::env::var("OPENCOM_WORKSPACE_ID"),
    ) {
        (Ok(url), Ok(ws)) => {
            println!("Using the deployment at {url}");
            (None, url, ws)
        }
        _ => {
            let mock = ServerMock::start().await?;
            println!(
                "Started server-mock at {} (workspace {})",
                mock.url(),
                mock.workspace_id()
            );
            let (url, ws) = (mock.url(), mock.workspace_id());
            (Some(mock), url, ws)
        }
    };
    if let Some(mock) = &mock {
        seed_help_center(mock);
        // A survey, a carousel, a checklist, an outbound post and banner, a tour, a tooltip,
        // and the AI agent turned on.
        mock.seed_engagement_demo(&workspace_id);
        mock.set_csat_enabled(&workspace_id, true);
        mock.set_default_ticket_form(
            &workspace_id,
            serde_json::json!([
                {"id": "order", "type": "text", "label": "Order number", "required": true},
                {"id": "area", "type": "select", "label": "Area", "required": false,
                 "options": ["billing", "technical"]}
            ]),
        );
    }

    // 2. A client whose session survives restarts (file storage in a temp dir).
    let dir = std::env::temp_dir().join(format!("opencom-quickstart-{}", std::process::id()));
    let storage = Arc::new(FileStorage::new(&dir)?);
    let builder = || -> OpencomBuilder {
        Opencom::builder(&url, &workspace_id)
            .origin("https://quickstart.example.com")
            .storage(storage.clone())
    };
    let client = builder().build()?;

    let session = client.start().await?;
    println!(
        "Booted visitor {} (session {})",
        session.visitor_id, session.session_id
    );

    // 3. Identify with custom attributes.
    let visitor = client
        .visitor()
        .identify(
            User::new()
                .email("jane@example.com")
                .name("Jane Doe")
                .user_id("user-42")
                .company("Acme")
                .attribute("plan", "pro")
                .attribute("seats", 5),
        )
        .await?;
    println!(
        "Identified as {} <{}> with attributes {:?}",
        visitor.name.as_deref().unwrap_or("?"),
        visitor.email.as_deref().unwrap_or("?"),
        visitor.custom_attributes.keys().collect::<Vec<_>>()
    );

    // 4. Track an event and a screen view.
    let mut props = Attributes::new();
    props.insert("amount".into(), 42.5.into());
    props.insert("currency".into(), "EUR".into());
    let event_id = client.events().track("purchase_completed", props).await?;
    println!("Tracked purchase_completed ({event_id})");
    match client.events().track_screen("Checkout").await? {
        TrackOutcome::Recorded { .. } => println!("Tracked screen view Checkout"),
        TrackOutcome::RateLimited => println!("Screen view dropped by the server's rate limit"),
    }

    // 5. Push: register an Expo token (raw APNs/FCM tokens are refused).
    client
        .push()
        .register(
            "ExponentPushToken[quickstart-device-0001]",
            PushPlatform::Ios,
            None,
        )
        .await?;
    println!("Registered an Expo push token");

    // 6. A conversation: send a message with an attachment, get an AI answer, rate it, hand
    //    off to a human and receive the agent's reply live; the event stream sees it all.
    let mut events = client.events_stream();
    let conversations = client.conversations();
    let conversation = conversations.get_or_create().await?;
    let mut live = conversations.watch_messages(&conversation.id)?;
    let first = live.next().await.ok_or("stream ended")??;
    println!(
        "Conversation {} opened with {} message(s)",
        conversation.id,
        first.value.len()
    );
    // Watch the AI answers before sending, so the answer to this message cannot be missed.
    let mut ai_answers = if ai_agent_enabled(&client).await {
        Some(client.ai_agent().watch_responses(&conversation.id)?)
    } else {
        println!("The workspace's AI agent is off: no AI answer to show");
        None
    };
    let invoice = conversations
        .upload(
            AttachmentSource::Bytes(b"%PDF-1.4 quickstart invoice".to_vec()),
            "invoice.pdf",
            None,
        )
        .await?;
    let handle = conversations
        .send(
            &conversation.id,
            OutgoingMessage::text("Hi! I was charged twice, invoice attached.")
                .attachment(invoice.id.clone()),
        )
        .await?;
    let message_id = handle.sent().await?;
    println!("Sent message {message_id} with {}", invoice.file_name);
    if let Some(answers) = &mut ai_answers {
        ai_answer_and_handoff(&client, &conversation.id, answers).await?;
    }
    drop(ai_answers);
    let mut agent_replied = false;
    if let Some(mock) = &mock {
        mock.agent_reply(&conversation.id, "Sorry about that! Refund on its way.");
        let reply = wait_for(&mut live, |m| m.content.starts_with("Sorry")).await?;
        println!("Agent replied live: {:?}", reply.content);
        if let Some(push) = mock.push_deliveries().last() {
            println!(
                "The reply was pushed; its payload routes to {:?}",
                parse_push(push)
            );
        }
        next_event(&mut events, |e| {
            matches!(e, ClientEvent::MessageReceived { message_id, .. } if *message_id == reply.id)
        })
        .await?;
        agent_replied = true;
    }
    println!("Unread: {}", conversations.total_unread().await?);
    conversations.mark_read(&conversation.id).await?;
    println!(
        "Marked read; unread now {}",
        conversations.total_unread().await?
    );
    if agent_replied {
        next_event(&mut events, |e| {
            matches!(e, ClientEvent::UnreadChanged { total: 0 })
        })
        .await?;
        println!(
            "Event stream: MessageReceived for the agent's reply, then UnreadChanged {{ total: 0 }} after mark read"
        );
    }
    drop(events);
    if let Some(mock) = &mock {
        mock.close_conversation(&conversation.id);
        if conversations
            .csat_eligibility(&conversation.id)
            .await?
            .eligible
        {
            conversations
                .rate(&conversation.id, 5, Some("Quick and kind"))
                .await?;
            println!("Rated the closed conversation 5/5");
        }
    }
    drop(live);

    // 7. Help center: browse the tree, search, open an article by slug, send feedback.
    let help = client.help_center();
    for node in help.collections().await? {
        println!(
            "Collection {} ({} sub-collections)",
            node.collection.name,
            node.children.len()
        );
    }
    if let Some(article) = help.search("password").await?.first() {
        let by_slug = help.article_by_slug(&article.slug).await?;
        println!(
            "Found {:?} (slug {}); opened by slug: {}",
            article.title,
            article.slug,
            by_slug.is_some()
        );
        help.submit_feedback(&article.id, true).await?;
    }

    // 8. Engagement: what the workspace shows the visitor, each recorded as the visitor sees it.
    survey(&client).await?;
    carousel(&client).await?;
    outbound_post(&client).await?;
    checklist(&client).await?;
    tour(&client).await?;

    // 9. A ticket with the workspace's default form, read back.
    let mut ticket = NewTicket::new("Refund request").description("Charged twice");
    if let Some(form) = client.tickets().default_form().await? {
        println!(
            "Default ticket form {:?} asks for: {:?}",
            form.name,
            form.fields
                .iter()
                .map(|f| f.label.as_str())
                .collect::<Vec<_>>()
        );
        ticket = ticket.field("order", "A-1001").field("area", "billing");
    }
    let ticket_id = client.tickets().create(ticket).await?;
    let ticket = client.tickets().get(&ticket_id).await?;
    println!(
        "Ticket {:?} is {:?}",
        ticket.ticket.subject, ticket.ticket.status
    );

    // 10. Restart: a new client on the same storage restores the session with no network call.
    drop(client);
    let client = builder().build()?;
    let restored = client.start().await?;
    println!(
        "Restarted: visitor {} restored from storage without a network call: {}",
        restored.visitor_id, restored.restored
    );

    // 11. Log out: unregister push, revoke, wipe, and start over as a fresh anonymous visitor.
    let fresh = client.logout().await?;
    println!("Logged out; new anonymous visitor {}", fresh.visitor_id);

    std::fs::remove_dir_all(&dir).ok();
    println!("Done.");
    Ok(())
}

/// The first message of the conversation that matches, waiting for live updates.
async fn wait_for(
    live: &mut LiveStream<Vec<Message>>,
    pred: impl Fn(&Message) -> bool,
) -> Result<Message, Box<dyn Error>> {
    let messages = next_snapshot(live, |list| list.iter().any(&pred)).await?;
    Ok(messages
        .into_iter()
        .find(|m| pred(m))
        .ok_or("no such message")?)
}

/// The first value of a live stream that satisfies `pred` (at most [`WAIT`]).
async fn next_snapshot<T>(
    live: &mut LiveStream<T>,
    pred: impl Fn(&T) -> bool,
) -> Result<T, Box<dyn Error>> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let next = tokio::time::timeout_at(deadline, live.next())
            .await?
            .ok_or("stream ended")??;
        if pred(&next.value) {
            return Ok(next.value);
        }
    }
}

/// The first client event that satisfies `pred` (at most [`WAIT`]).
async fn next_event(
    events: &mut (impl Stream<Item = ClientEvent> + Unpin),
    pred: impl Fn(&ClientEvent) -> bool,
) -> Result<ClientEvent, Box<dyn Error>> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let event = tokio::time::timeout_at(deadline, events.next())
            .await?
            .ok_or("event stream ended")?;
        if pred(&event) {
            return Ok(event);
        }
    }
}

/// Whether the workspace's AI agent answers visitors (`aiAgent:getPublicSettings`).
async fn ai_agent_enabled(client: &Opencom) -> bool {
    match client.messenger().ai_settings().await {
        Ok(settings) => settings["enabled"] == true,
        Err(e) => {
            println!("Could not read the AI agent's settings: {e}");
            false
        }
    }
}

/// The AI agent's answer to the message just sent, rated helpful, then a handoff to a human.
async fn ai_answer_and_handoff(
    client: &Opencom,
    conversation_id: &str,
    answers: &mut LiveStream<Vec<AiAnswer>>,
) -> Result<(), Box<dyn Error>> {
    let ai = client.ai_agent();
    let answer = next_snapshot(answers, |list| !list.is_empty())
        .await?
        .pop()
        .ok_or("no AI answer")?;
    println!(
        "AI agent answered: {} (confidence {})",
        shorten(&answer.response, 60),
        answer
            .confidence
            .map_or_else(|| "unknown".to_owned(), |c| format!("{c:.1}"))
    );
    ai.feedback(&answer.id, AiFeedback::Helpful).await?;
    println!("Rated the AI answer helpful");
    let handoff = ai
        .handoff_to_human(conversation_id, Some("Double charge: needs a refund"))
        .await?;
    println!("Handed off to a human: {:?}", handoff.handoff_message);
    Ok(())
}

/// The first active survey: shown, started, answered and completed.
async fn survey(client: &Opencom) -> Result<(), Box<dyn Error>> {
    let surveys = client.surveys();
    let Some(survey) = surveys.active().await?.into_iter().next() else {
        println!("No active survey");
        return Ok(());
    };
    surveys.record(&survey.id, SurveyImpression::Shown).await?;
    surveys
        .record(&survey.id, SurveyImpression::Started)
        .await?;
    let (answers, summary): (Vec<SurveyAnswer>, Vec<String>) =
        survey.questions.iter().filter_map(answer).unzip();
    // Every answer is checked against its question before anything is sent.
    surveys.submit(&survey, answers, true).await?;
    surveys
        .record(&survey.id, SurveyImpression::Completed)
        .await?;
    println!("Answered survey {} ({})", survey.name, summary.join(", "));
    Ok(())
}

/// What the demo visitor answers to a question, and how to say it; `None` to leave it out.
fn answer(question: &SurveyQuestion) -> Option<(SurveyAnswer, String)> {
    let id = question.id.as_str();
    Some(match &question.kind {
        QuestionKind::Nps => (SurveyAnswer::number(id, 9), "NPS 9".to_owned()),
        QuestionKind::StarRating { max, .. } => {
            (SurveyAnswer::number(id, *max), format!("{max} stars"))
        }
        QuestionKind::NumericScale { max, .. } => (
            SurveyAnswer::number(id, *max),
            format!("{max} on the scale"),
        ),
        QuestionKind::EmojiRating { count } => {
            (SurveyAnswer::number(id, *count), format!("emoji {count}"))
        }
        QuestionKind::MultipleChoice {
            choices,
            allow_multiple: true,
        } => {
            let picked: Vec<&String> = choices.iter().take(2).collect();
            let said = picked
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(" + ");
            (SurveyAnswer::choices(id, picked), said)
        }
        QuestionKind::MultipleChoice { choices, .. } | QuestionKind::Dropdown { choices, .. } => {
            let choice = choices.first()?;
            (SurveyAnswer::choice(id, choice.as_str()), choice.clone())
        }
        QuestionKind::ShortText { .. } => (
            SurveyAnswer::text(id, "Engineer"),
            "role \"Engineer\"".to_owned(),
        ),
        QuestionKind::LongText { .. } => (
            SurveyAnswer::text(id, "Love the new mobile SDK."),
            "a comment".to_owned(),
        ),
        _ => return None,
    })
}

/// The first active carousel: each screen shown, then completed.
async fn carousel(client: &Opencom) -> Result<(), Box<dyn Error>> {
    let carousels = client.carousels();
    let Some(carousel) = carousels.active().await?.into_iter().next() else {
        println!("No active carousel");
        return Ok(());
    };
    for screen_index in 0..u32::try_from(carousel.screens.len())? {
        carousels
            .record(&carousel.id, CarouselImpression::Shown { screen_index })
            .await?;
    }
    carousels
        .record(&carousel.id, CarouselImpression::Completed)
        .await?;
    println!(
        "Showed carousel {:?} screen by screen ({}) and completed it",
        carousel.name,
        carousel
            .screens
            .iter()
            .filter_map(|s| s.title.as_deref())
            .collect::<Vec<_>>()
            .join(" → ")
    );
    Ok(())
}

/// The outbound post eligible on the current screen: shown, and its first button clicked.
async fn outbound_post(client: &Opencom) -> Result<(), Box<dyn Error>> {
    let outbound = client.outbound();
    let eligible = outbound.eligible(CURRENT_URL).await?;
    let Some(post) = eligible.iter().find(|m| m.kind == OutboundKind::Post) else {
        println!("No outbound post on {CURRENT_URL}");
        return Ok(());
    };
    outbound.shown(&post.id).await?;
    let title = post.content.title.as_deref().unwrap_or("(untitled)");
    match post.content.buttons.first() {
        Some(button) => {
            outbound.clicked(&post.id, Some(0)).await?;
            let opens = match &button.action {
                OutboundAction::Url(url) => format!(", opens {url}"),
                _ => String::new(),
            };
            println!(
                "Outbound post {title:?} shown on {CURRENT_URL} ({} eligible there); clicked {:?}{opens}",
                eligible.len(),
                button.text
            );
        }
        None => println!("Outbound post {title:?} shown on {CURRENT_URL}"),
    }
    Ok(())
}

/// The first eligible checklist: its first manual task completed by the app, then an event
/// that completes an `auto_event` task on the server, seen live.
async fn checklist(client: &Opencom) -> Result<(), Box<dyn Error>> {
    let checklists = client.checklists();
    let Some(item) = checklists.eligible(None).await?.into_iter().next() else {
        println!("No eligible checklist");
        return Ok(());
    };
    let list = &item.checklist;
    let total = list.tasks.len();
    let manual = list
        .tasks
        .iter()
        .find(|t| t.completion == CompletionType::Manual && !item.is_task_completed(&t.id));
    if let Some(task) = manual {
        let progress = checklists.complete_task(list, &task.id).await?;
        println!(
            "Checklist {:?}: completed {:?} ({}/{total} done: {})",
            list.name,
            task.id,
            progress.completed_task_ids.len(),
            progress.completed_task_ids.join(", ")
        );
    }
    let by_event = list.tasks.iter().find_map(|t| match &t.completion {
        CompletionType::AutoEvent { event: Some(event) } if !item.is_task_completed(&t.id) => {
            Some((t, event))
        }
        _ => None,
    });
    if let Some((task, event)) = by_event {
        let mut live = checklists.watch_eligible()?;
        client.events().track(event, Attributes::new()).await?;
        let now = next_snapshot(&mut live, |items| {
            items
                .iter()
                .any(|i| i.checklist.id == list.id && i.is_task_completed(&task.id))
        })
        .await?;
        let done = now
            .iter()
            .find(|i| i.checklist.id == list.id)
            .and_then(|i| i.progress.as_ref())
            .map_or(0, |p| p.completed_task_ids.len());
        println!(
            "Tracked {event}: the server completed {:?} by itself ({done}/{total} done)",
            task.id
        );
    }
    Ok(())
}

/// The first listed tour: started, then advanced step by step as the visitor would.
async fn tour(client: &Opencom) -> Result<(), Box<dyn Error>> {
    let tours = client.tours();
    let listed = tours.list().await?;
    let Some(tour) = listed.first().map(|l| &l.tour) else {
        println!("No tour");
        return Ok(());
    };
    let offered = tours.available(Some(CURRENT_URL)).await?.len();
    tours.start(&tour.id, false).await?;
    let mut visited = Vec::new();
    let mut status = None;
    for step in &tour.steps {
        let input = match step.advance_on {
            AdvanceMode::ElementClick => AdvanceInput::element_click(true),
            AdvanceMode::FieldFill => AdvanceInput::field_fill("Jane"),
            _ => AdvanceInput::click(),
        };
        visited.push(step.title.as_deref().unwrap_or("(untitled)"));
        match tours
            .advance(&tour.id, &input.current_url(CURRENT_URL))
            .await?
        {
            AdvanceOutcome::Advanced { status: now, .. } => status = Some(now),
            AdvanceOutcome::Blocked { reason, .. } => {
                println!("Tour {:?} stopped: {}", tour.name, reason.as_str());
                return Ok(());
            }
            _ => {}
        }
    }
    println!(
        "Tour {:?} ({} listed, {offered} offered here): started and advanced through {} ({})",
        tour.name,
        listed.len(),
        visited.join(" → "),
        match status {
            Some(ProgressStatus::Completed) => "completed",
            _ => "in progress",
        }
    );
    Ok(())
}

/// The first `max` characters of `text`, with an ellipsis when cut.
fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

fn seed_help_center(mock: &ServerMock) {
    let ws = mock.workspace_id();
    let start = mock.add_collection(&ws, "Getting started", None, 1.0);
    let account = mock.add_collection(&ws, "Your account", Some(&start), 1.0);
    mock.add_article(
        &ws,
        NewArticle::published(
            "Reset your password",
            "Open Settings, choose Security and click **Reset password**.",
        )
        .collection(&account),
    );
}
