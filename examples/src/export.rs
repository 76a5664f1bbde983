//! `opencom export conversations`: streaming, bounded-concurrency, resumable JSON Lines.
//! Shared by the `opencom` and `bench_export` binaries.

use std::collections::HashSet;
use std::io::{BufWriter, IsTerminal, Seek, SeekFrom, Write};
use std::path::Path;

use futures::TryStreamExt;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use opencom_sdk::{InboxConversation, InboxFilter, Message, WorkspaceClient};
use serde_json::{json, Value};

use opencom_sdk::ConversationStatus;

/// Why an export stopped. What was written before stays in the file, ready to resume.
///
/// Both variants carry the error they wrap as [`source`](std::error::Error::source).
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// A request failed.
    #[error("{0}")]
    Sdk(#[from] opencom_sdk::Error),
    /// The file could not be read or written.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The export file.
        path: std::path::PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

fn status_text(status: &ConversationStatus) -> String {
    match status {
        ConversationStatus::Open => "open".into(),
        ConversationStatus::Closed => "closed".into(),
        ConversationStatus::Snoozed => "snoozed".into(),
        ConversationStatus::Other(other) => other.clone(),
    }
}

/// What an export did.
pub struct Summary {
    /// Conversations written by this run.
    pub exported: u64,
    /// Conversations already in the file.
    pub skipped: u64,
}

fn io_failure(path: &Path) -> impl Fn(std::io::Error) -> ExportError + '_ {
    move |source| ExportError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Opens `path` for appending after its last complete line, returning the conversation ids
/// already exported. Everything from the first line that is unterminated or not a JSON
/// object with an `id` (an interrupted write) is cut off.
pub fn open_for_resume(path: &Path) -> Result<(std::fs::File, HashSet<String>), ExportError> {
    let fail = io_failure(path);
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(&fail)?;
    let mut done = HashSet::new();
    let mut valid_len = 0u64;
    {
        // Line by line, so a large export is never held in memory as a whole.
        let mut reader = std::io::BufReader::new(&mut file);
        let mut line = Vec::new();
        loop {
            line.clear();
            let read =
                std::io::BufRead::read_until(&mut reader, b'\n', &mut line).map_err(&fail)?;
            if read == 0 || line.last() != Some(&b'\n') {
                break;
            }
            let id = serde_json::from_slice::<Value>(&line)
                .ok()
                .and_then(|v| v.get("id").and_then(Value::as_str).map(str::to_owned));
            match id {
                Some(id) => {
                    done.insert(id);
                    valid_len += read as u64;
                }
                None => break,
            }
        }
    }
    file.set_len(valid_len).map_err(&fail)?;
    file.seek(SeekFrom::End(0)).map_err(&fail)?;
    Ok((file, done))
}

fn message_json(m: &Message) -> Value {
    json!({
        "id": m.id,
        "senderType": format!("{:?}", m.sender_type).to_lowercase(),
        "senderId": m.sender_id,
        "senderName": m.sender_name,
        "content": m.content,
        "createdAt": m.created_at,
    })
}

fn line(c: &InboxConversation, messages: &[Message]) -> Value {
    json!({
        "id": c.id,
        "status": status_text(&c.conversation.status),
        "createdAt": c.conversation.created_at,
        "updatedAt": c.conversation.updated_at,
        "lastMessageAt": c.conversation.last_message_at,
        "unreadByAgent": c.unread_by_agent,
        "assignedAgentId": c.assigned_agent_id,
        "aiState": c.ai_state,
        "visitor": c.visitor.as_ref().map(|v| json!({"id": v.id, "name": v.name, "email": v.email})),
        "messages": messages.iter().map(message_json).collect::<Vec<_>>(),
    })
}

/// Exports every conversation of `workspace_id` not yet in `path`: the inbox stream (all
/// statuses) feeds up to `concurrency` (at least 1) `messages` fetches at a time, and each finished
/// conversation is written as one line straight away.
pub async fn conversations(
    client: &WorkspaceClient,
    workspace_id: &str,
    path: &Path,
    concurrency: usize,
    progress: bool,
) -> Result<Summary, ExportError> {
    let fail = io_failure(path);
    let (file, done) = open_for_resume(path)?;
    let skipped = done.len() as u64;
    let mut out = BufWriter::new(file);
    let bar = if progress && std::io::stderr().is_terminal() {
        ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {pos} conversations exported ({per_sec}) {elapsed}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    let mut fetched = client
        .inbox()
        .list(workspace_id, InboxFilter::new().page_size(100))
        .try_filter(move |c| futures::future::ready(!done.contains(&c.id)))
        .map_ok(|c| async move {
            let messages = client.inbox().messages(&c.id).await?;
            Ok::<_, opencom_sdk::Error>(line(&c, &messages))
        })
        .try_buffer_unordered(concurrency.max(1));
    let mut exported = 0u64;
    let result = async {
        while let Some(value) = fetched.try_next().await? {
            serde_json::to_writer(&mut out, &value).map_err(|e| fail(e.into()))?;
            out.write_all(b"\n").map_err(&fail)?;
            exported += 1;
            bar.inc(1);
        }
        Ok::<_, ExportError>(())
    }
    .await;
    // Whatever was fetched stays in the file, so a failed run can be resumed.
    let flushed = out.flush().map_err(&fail);
    bar.finish_and_clear();
    result?;
    flushed?;
    out.get_ref().sync_all().map_err(&fail)?;
    Ok(Summary { exported, skipped })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn errors_carry_what_they_wrap_as_source() {
        use std::error::Error as _;
        let sdk = ExportError::from(opencom_sdk::Error::Timeout);
        assert_eq!(sdk.to_string(), "the request timed out");
        let source = sdk.source().unwrap();
        assert_eq!(
            source.downcast_ref::<opencom_sdk::Error>(),
            Some(&opencom_sdk::Error::Timeout)
        );
        let io = io_failure(Path::new("/tmp/x.jsonl"))(std::io::Error::other("disk full"));
        assert_eq!(io.to_string(), "cannot write /tmp/x.jsonl: disk full");
        assert_eq!(io.source().unwrap().to_string(), "disk full");
    }
}
