//! The JSON encoding: the lecture's `{"command":"get","param":"name"}`, one object per line
//! (JSON Lines), so a reply can be piped into `jq`.
//!
//! ```text
//! {"command":"desc","param":"hits","kind":"counter","doc":"requests served"}
//! {"command":"val","param":"hits","value":1,"timestamp":1700000000000}   (timestamp optional)
//! {"command":"get","param":"hits"}
//! {"command":"list"}
//! {"command":"quit"}
//! ```
//!
//! Replies, one line each: `{"ok":true,"message":"described hits"}`,
//! `{"ok":false,"error":"unknown-metric","message":"…"}`, GET:
//! `{"ok":true,"metric":{"name":…,"kind":…,"value":…,"timestamp":…,"doc":…}}`, LIST:
//! `{"ok":true,"metrics":[{"name":…,"kind":…,"value":…,"timestamp":…},…]}`.
//!
//! Unknown fields are refused (`deny_unknown_fields`): a typo such as `"parm"` gets an error
//! naming it instead of a confusing "missing param". JSON has no NaN or infinity, and a
//! number too large for an `f64` is a parse error, so values arrive finite.

use super::command::{clip, Command, Error, ErrorCode, Kind, Reply, Sample};
use serde::Deserialize;
use serde_json::{json, Value};

/// A request line as JSON sees it; which fields are needed depends on `command`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    command: String,
    param: Option<String>,
    kind: Option<String>,
    doc: Option<String>,
    value: Option<f64>,
    timestamp: Option<i64>,
}

/// Parse one line (without its `\n`). `Ok(None)`: a blank line.
pub fn parse_line(line: &[u8]) -> Result<Option<Command>, Error> {
    if line.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let request: Request = serde_json::from_slice(line).map_err(|e| {
        let code = if std::str::from_utf8(line).is_err() {
            ErrorCode::BadUtf8
        } else {
            ErrorCode::BadJson
        };
        Error::new(code, e.to_string())
    })?;
    let name = || {
        let usage = format!("\"{}\" needs \"param\": the metric name", request.command);
        request
            .param
            .clone()
            .ok_or_else(|| Error::new(ErrorCode::BadCommand, usage))
    };
    let command = match request.command.to_ascii_lowercase().as_str() {
        "desc" => {
            let kind_word = request.kind.as_deref().unwrap_or("");
            let kind = Kind::parse(kind_word).ok_or_else(|| {
                let why = format!(
                    "\"kind\" must be \"counter\" or \"gauge\", not {:?}",
                    clip(kind_word, 40)
                );
                Error::new(ErrorCode::BadCommand, why)
            })?;
            let doc = request.doc.clone().unwrap_or_default();
            Command::Desc {
                name: name()?,
                kind,
                doc,
            }
        }
        "val" => {
            let value = request
                .value
                .ok_or_else(|| Error::new(ErrorCode::BadCommand, "\"val\" needs \"value\": a number"))?;
            let timestamp = request.timestamp.unwrap_or(0);
            Command::Val {
                name: name()?,
                value,
                timestamp,
            }
        }
        "get" => Command::Get { name: name()? },
        "list" => Command::List,
        "reset" => Command::Reset { name: name()? },
        "quit" => Command::Quit,
        other => {
            let why = format!(
                "unknown command {:?} (desc, val, get, list, reset, quit)",
                clip(other, 40)
            );
            return Err(Error::new(ErrorCode::BadCommand, why));
        }
    };
    Ok(Some(command))
}

/// Append the reply to one command as one JSON line.
pub fn write_reply(reply: &Reply, out: &mut Vec<u8>) {
    let value = match reply {
        Reply::Ok(text) => json!({"ok": true, "message": text}),
        Reply::Err(error) => json!({"ok": false, "error": error.code.slug(), "message": error.message}),
        Reply::Sample(sample) => {
            let mut metric = entry(sample);
            metric["doc"] = Value::from(sample.doc.as_str());
            json!({"ok": true, "metric": metric})
        }
        Reply::List(samples) => json!({"ok": true, "metrics": samples.iter().map(entry).collect::<Vec<_>>()}),
    };
    // Writing a `Value` into a Vec cannot fail (no I/O, every key is a string).
    if serde_json::to_writer(&mut *out, &value).is_err() {
        out.extend_from_slice(br#"{"ok":false,"error":"bad-json","message":"reply not encodable"}"#);
    }
    out.push(b'\n');
}

/// `{"name","kind","value","timestamp"}` of one metric.
fn entry(sample: &Sample) -> Value {
    json!({
        "name": sample.name,
        "kind": sample.kind.as_str(),
        "value": sample.value,
        "timestamp": sample.timestamp,
    })
}
