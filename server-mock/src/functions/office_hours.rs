//! `officeHours.ts`: the public office-hours reads (CONTRACT §12): `get`, `getOrDefault`,
//! `isCurrentlyOpen` and `getExpectedReplyTime`. Office hours are configured with the control
//! API ([`ServerMock::set_office_hours`](crate::ServerMock::set_office_hours)); until then the
//! workspace is always open.
//!
//! Time zones: the mock has no time-zone database. It knows UTC (and its aliases), `Etc/GMT±N`,
//! the main US zones (`America/New_York`, `Chicago`, `Denver`, `Phoenix`, `Los_Angeles`, with
//! US daylight-saving rules), western/central/eastern European zones (EU rules) and a few
//! fixed-offset Asian zones. Any other zone is read as UTC (Opencom does that only for an
//! invalid zone), with a warning in the log.

use serde_json::{json, Value};

use crate::convex::FnResult;
use crate::db::{Db, Doc, DocExt};
use crate::registry::{Ctx, Registry};
use crate::validator::v::*;
use crate::validator::Validator;

/// The zone used when a stored document has none (`officeHours.timezone || "UTC"`).
const FALLBACK_ZONE: &str = "UTC";
/// The default zone of `getOrDefault` and of a new document.
pub(crate) const DEFAULT_ZONE: &str = "America/New_York";
const DEFAULT_OFFLINE_MESSAGE: &str =
    "We're currently offline. We'll get back to you as soon as possible.";
const DAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];
const MINUTE_MS: i64 = 60_000;
const HOUR_MS: i64 = 60 * MINUTE_MS;
const DAY_MS: i64 = 24 * HOUR_MS;

pub(crate) fn register(r: &mut Registry) {
    let workspace = || object(vec![req("workspaceId", id("workspaces"))]);
    r.query("officeHours:get", workspace(), get);
    r.query("officeHours:getOrDefault", workspace(), get_or_default);
    r.query(
        "officeHours:isCurrentlyOpen",
        object(vec![
            req("workspaceId", id("workspaces")),
            opt("nowMs", number()),
        ]),
        is_currently_open,
    );
    r.query(
        "officeHours:getExpectedReplyTime",
        workspace(),
        get_expected_reply_time,
    );
}

/// The fields `officeHours:upsert` accepts (besides `workspaceId`), for the control API.
pub(crate) fn upsert_validator() -> Validator {
    object(vec![
        opt("timezone", string()),
        opt(
            "schedule",
            array(object(vec![
                req("day", literals(&DAYS)),
                req("enabled", boolean()),
                req("startTime", string()),
                req("endTime", string()),
            ])),
        ),
        opt("offlineMessage", string()),
        opt("expectedReplyTimeMinutes", number()),
    ])
}

/// Monday–Friday 09:00–17:00.
pub(crate) fn default_schedule() -> Value {
    Value::Array(
        DAYS.iter()
            .enumerate()
            .map(|(i, day)| {
                json!({"day": day, "enabled": i < 5, "startTime": "09:00", "endTime": "17:00"})
            })
            .collect(),
    )
}

/// The stored document of a workspace.
pub(crate) fn stored(db: &Db, workspace_id: &str) -> Option<Doc> {
    db.find("officeHours", |o| {
        o.str_field("workspaceId") == Some(workspace_id)
    })
    .cloned()
}

fn get(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    Ok(stored(ctx.db, workspace_id).map_or(Value::Null, Value::Object))
}

fn get_or_default(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    if let Some(existing) = stored(ctx.db, workspace_id) {
        return Ok(Value::Object(existing));
    }
    Ok(json!({
        "workspaceId": workspace_id,
        "timezone": DEFAULT_ZONE,
        "schedule": default_schedule(),
        "offlineMessage": DEFAULT_OFFLINE_MESSAGE,
        "expectedReplyTimeMinutes": 60,
    }))
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil year of a day number.
fn year_of_days(days: i64) -> i64 {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    yoe + era * 400 + i64::from(month <= 2)
}

/// 0 = Sunday … 6 = Saturday.
fn weekday(days: i64) -> i64 {
    (days + 4).rem_euclid(7)
}

/// The day number of the `n`th Sunday (1-based) of a month.
fn nth_sunday(year: i64, month: i64, n: i64) -> i64 {
    let first = days_from_civil(year, month, 1);
    first + (7 - weekday(first)) % 7 + 7 * (n - 1)
}

/// The day number of the last Sunday of a month.
fn last_sunday(year: i64, month: i64) -> i64 {
    let last = if month == 12 {
        days_from_civil(year + 1, 1, 1) - 1
    } else {
        days_from_civil(year, month + 1, 1) - 1
    };
    last - weekday(last)
}

/// Daylight-saving rules the mock knows.
#[derive(Clone, Copy)]
enum Dst {
    None,
    /// Second Sunday of March 02:00 local → first Sunday of November 02:00 local.
    Us,
    /// Last Sunday of March 01:00 UTC → last Sunday of October 01:00 UTC.
    Eu,
}

/// The standard offset (minutes east of UTC) and DST rule of a zone the mock knows.
fn zone(name: &str) -> Option<(i64, Dst)> {
    let hours = |h: i64| h * 60;
    Some(match name {
        "UTC" | "Etc/UTC" | "GMT" | "Etc/GMT" | "UCT" | "Etc/UCT" | "Universal"
        | "Etc/Universal" | "Zulu" | "Etc/Zulu" => (0, Dst::None),
        "America/New_York" | "America/Detroit" | "America/Toronto" | "US/Eastern" => {
            (hours(-5), Dst::Us)
        }
        "America/Chicago" | "US/Central" => (hours(-6), Dst::Us),
        "America/Denver" | "US/Mountain" => (hours(-7), Dst::Us),
        "America/Phoenix" => (hours(-7), Dst::None),
        "America/Los_Angeles" | "US/Pacific" => (hours(-8), Dst::Us),
        "Europe/London" | "Europe/Dublin" | "Europe/Lisbon" => (0, Dst::Eu),
        "Europe/Paris" | "Europe/Berlin" | "Europe/Madrid" | "Europe/Rome" | "Europe/Amsterdam"
        | "Europe/Brussels" | "Europe/Vienna" | "Europe/Zurich" | "Europe/Stockholm"
        | "Europe/Oslo" | "Europe/Copenhagen" | "Europe/Warsaw" | "Europe/Prague" => {
            (hours(1), Dst::Eu)
        }
        "Europe/Athens" | "Europe/Helsinki" | "Europe/Bucharest" => (hours(2), Dst::Eu),
        "Asia/Dubai" => (hours(4), Dst::None),
        "Asia/Kolkata" | "Asia/Calcutta" => (330, Dst::None),
        "Asia/Singapore" | "Asia/Shanghai" | "Asia/Hong_Kong" => (hours(8), Dst::None),
        "Asia/Tokyo" => (hours(9), Dst::None),
        "Australia/Brisbane" => (hours(10), Dst::None),
        other => {
            // `Etc/GMT+5` is UTC-5 (POSIX signs).
            let rest = other.strip_prefix("Etc/GMT")?;
            let (sign, digits) = match rest.split_at_checked(1)? {
                ("+", d) => (-1, d),
                ("-", d) => (1, d),
                _ => return None,
            };
            let n: i64 = digits.parse().ok().filter(|n| (0..=14).contains(n))?;
            (sign * hours(n), Dst::None)
        }
    })
}

/// Minutes east of UTC of `zone_name` at `utc_ms`; UTC for a zone the mock does not know.
fn offset_minutes(zone_name: &str, utc_ms: i64) -> i64 {
    let Some((standard, rule)) = zone(zone_name) else {
        tracing::warn!(
            zone = zone_name,
            "officeHours: time zone unknown to server-mock; using UTC"
        );
        return 0;
    };
    let year = year_of_days(utc_ms.div_euclid(DAY_MS));
    let (start, end) = match rule {
        Dst::None => return standard,
        Dst::Us => (
            nth_sunday(year, 3, 2) * DAY_MS + 2 * HOUR_MS - standard * MINUTE_MS,
            nth_sunday(year, 11, 1) * DAY_MS + 2 * HOUR_MS - (standard + 60) * MINUTE_MS,
        ),
        Dst::Eu => (
            last_sunday(year, 3) * DAY_MS + HOUR_MS,
            last_sunday(year, 10) * DAY_MS + HOUR_MS,
        ),
    };
    if (start..end).contains(&utc_ms) {
        standard + 60
    } else {
        standard
    }
}

/// The local weekday name and minute of the day in a zone.
pub(crate) fn wall_clock(zone_name: &str, utc_ms: f64) -> (&'static str, i64) {
    let utc = utc_ms.floor() as i64;
    let local = utc + offset_minutes(zone_name, utc) * MINUTE_MS;
    let days = local.div_euclid(DAY_MS);
    let minute = local.rem_euclid(DAY_MS) / MINUTE_MS;
    // DAYS starts on Monday; `weekday` on Sunday.
    let day = DAYS[((weekday(days) + 6) % 7) as usize];
    (day, minute)
}

/// `parseTime`: `"HH:MM"` → minutes; a part that is not a number counts as 0.
fn parse_time(text: &str) -> f64 {
    let mut parts = text.split(':');
    let number = |part: Option<&str>| {
        let part = part.map(str::trim).unwrap_or("NaN");
        let value = if part.is_empty() {
            0.0
        } else {
            part.parse::<f64>().unwrap_or(f64::NAN)
        };
        if value.is_finite() {
            value
        } else {
            0.0
        }
    };
    let hours = number(parts.next());
    let minutes = number(parts.next());
    hours * 60.0 + minutes
}

/// `isWithinHours`, with overnight ranges (22:00–06:00) and equal ends meaning all day.
pub(crate) fn within_hours(minute: i64, start: &str, end: &str) -> bool {
    let now = minute as f64;
    let (start, end) = (parse_time(start), parse_time(end));
    if start == end {
        true
    } else if start > end {
        now >= start || now < end
    } else {
        now >= start && now < end
    }
}

fn is_currently_open(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    let Some(hours) = stored(ctx.db, workspace_id) else {
        return Ok(
            json!({"isOpen": true, "offlineMessage": null, "expectedReplyTimeMinutes": null}),
        );
    };
    let now = args.f64_field("nowMs").unwrap_or(ctx.now);
    let zone_name = hours.non_empty("timezone").unwrap_or(FALLBACK_ZONE);
    let (day, minute) = wall_clock(zone_name, now);
    let today = hours
        .get("schedule")
        .and_then(Value::as_array)
        .and_then(|s| s.iter().find(|d| d["day"] == day))
        .filter(|d| d["enabled"] == Value::Bool(true));
    let offline = hours.get("offlineMessage").cloned();
    let mut out = serde_json::Map::new();
    let is_open = today.is_some_and(|d| {
        within_hours(
            minute,
            d["startTime"].as_str().unwrap_or_default(),
            d["endTime"].as_str().unwrap_or_default(),
        )
    });
    out.insert("isOpen".into(), json!(is_open));
    if is_open {
        out.insert("offlineMessage".into(), Value::Null);
        if let Some(minutes) = hours.get("expectedReplyTimeMinutes") {
            out.insert("expectedReplyTimeMinutes".into(), minutes.clone());
        }
    } else {
        // `offlineMessage: undefined` leaves the field out.
        if let Some(message) = offline {
            out.insert("offlineMessage".into(), message);
        }
        out.insert("expectedReplyTimeMinutes".into(), Value::Null);
    }
    Ok(Value::Object(out))
}

/// JavaScript's rendering of a number in a template string.
fn js_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// `"N minutes"`, `"1 hour"`, `"N hour(s)"`, `"N day(s)"`, or null when unset or zero.
pub(crate) fn reply_time_label(minutes: f64) -> Option<String> {
    if minutes == 0.0 || minutes.is_nan() {
        return None;
    }
    Some(if minutes < 60.0 {
        format!("{} minutes", js_number(minutes))
    } else if minutes == 60.0 {
        "1 hour".to_owned()
    } else if minutes < 1440.0 {
        let hours = (minutes / 60.0).floor();
        let plural = if hours > 1.0 { "s" } else { "" };
        format!("{} hour{plural}", js_number(hours))
    } else {
        let days = (minutes / 1440.0).floor();
        let plural = if days > 1.0 { "s" } else { "" };
        format!("{} day{plural}", js_number(days))
    })
}

fn get_expected_reply_time(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    Ok(stored(ctx.db, workspace_id)
        .and_then(|h| h.f64_field("expectedReplyTimeMinutes"))
        .and_then(reply_time_label)
        .map_or(Value::Null, Value::String))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-01-05 (a Monday) 00:00 UTC.
    const MONDAY: f64 = 1_767_571_200_000.0;
    const HOUR: f64 = 3_600_000.0;

    #[test]
    fn calendar_arithmetic() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2026, 1, 5) as f64 * 86_400_000.0, MONDAY);
        assert_eq!(year_of_days(days_from_civil(2024, 2, 29)), 2024);
        assert_eq!(year_of_days(days_from_civil(2023, 12, 31)), 2023);
        assert_eq!(nth_sunday(2026, 3, 2), days_from_civil(2026, 3, 8));
        assert_eq!(nth_sunday(2026, 11, 1), days_from_civil(2026, 11, 1));
        assert_eq!(last_sunday(2026, 3), days_from_civil(2026, 3, 29));
        assert_eq!(last_sunday(2026, 10), days_from_civil(2026, 10, 25));
    }

    #[test]
    fn wall_clocks_follow_zones_and_dst() {
        assert_eq!(wall_clock("UTC", MONDAY + 9.5 * HOUR), ("monday", 570));
        // New York in January is UTC-5: Monday 00:00 UTC is Sunday 19:00.
        assert_eq!(wall_clock("America/New_York", MONDAY), ("sunday", 19 * 60));
        // 2026-07-06 14:00 UTC is 10:00 EDT.
        let july = days_from_civil(2026, 7, 6) as f64 * 86_400_000.0 + 14.0 * HOUR;
        assert_eq!(wall_clock("America/New_York", july), ("monday", 600));
        assert_eq!(wall_clock("Europe/Paris", july), ("monday", 16 * 60));
        assert_eq!(wall_clock("Etc/GMT+5", MONDAY), ("sunday", 19 * 60));
        assert_eq!(wall_clock("Asia/Kolkata", MONDAY), ("monday", 330));
        assert_eq!(wall_clock("Mars/Olympus", MONDAY), ("monday", 0));
    }

    #[test]
    fn hours_and_labels() {
        assert!(within_hours(9 * 60, "09:00", "17:00"));
        assert!(!within_hours(17 * 60, "09:00", "17:00"));
        assert!(within_hours(23 * 60, "22:00", "06:00"));
        assert!(!within_hours(12 * 60, "22:00", "06:00"));
        assert!(within_hours(3, "x", "y"));
        assert_eq!(reply_time_label(0.0), None);
        assert_eq!(reply_time_label(30.0).as_deref(), Some("30 minutes"));
        assert_eq!(reply_time_label(60.0).as_deref(), Some("1 hour"));
        assert_eq!(reply_time_label(90.0).as_deref(), Some("1 hour"));
        assert_eq!(reply_time_label(180.0).as_deref(), Some("3 hours"));
        assert_eq!(reply_time_label(1440.0).as_deref(), Some("1 day"));
        assert_eq!(reply_time_label(4000.0).as_deref(), Some("2 days"));
    }
}
