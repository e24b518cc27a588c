//! What the metrics protocol *says*, independent of how it is spelled on the wire: the
//! commands a client sends, the replies it gets, and the error codes shared by the three
//! encodings (binary, text, JSON).
//!
//! Each encoding only turns bytes into a [`Command`] and a [`Reply`] into bytes; the store
//! (`store.rs`) is the one place that checks what a command means (is the name valid, is the
//! value finite, is the metric described). Read this file first, then `store.rs`.
//!
//! This file is self-contained (it uses nothing else from the crate) because `metrics-client`
//! compiles it too, together with `binary.rs` and `message.rs`.

use std::fmt;

/// Longest metric name, in bytes.
pub const MAX_NAME: usize = 64;
/// Longest doc string, in bytes.
pub const MAX_DOC: usize = 256;

/// What kind of figure a metric is, as in Prometheus.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Only goes up: each VAL *adds* its value (e.g. requests served).
    Counter,
    /// Goes up and down: each VAL *sets* the value (e.g. load average).
    Gauge,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
        }
    }

    /// `counter` or `gauge`, in any letter case.
    pub fn parse(word: &str) -> Option<Kind> {
        if word.eq_ignore_ascii_case("counter") {
            Some(Kind::Counter)
        } else if word.eq_ignore_ascii_case("gauge") {
            Some(Kind::Gauge)
        } else {
            None
        }
    }

    /// The byte that stands for this kind in a binary frame.
    pub fn code(self) -> u8 {
        match self {
            Kind::Counter => 0,
            Kind::Gauge => 1,
        }
    }

    pub fn from_code(code: u8) -> Option<Kind> {
        match code {
            0 => Some(Kind::Counter),
            1 => Some(Kind::Gauge),
            _ => None,
        }
    }
}

/// One request, as decoded from any encoding.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Register (or re-document) a metric.
    Desc { name: String, kind: Kind, doc: String },
    /// Report a value. `timestamp` is in milliseconds since the Unix epoch; 0 means "now"
    /// (the server's clock).
    Val { name: String, value: f64, timestamp: i64 },
    /// Read one metric.
    Get { name: String },
    /// Read every metric (without docs).
    List,
    /// Set a metric back to 0, keeping its kind and doc: a counter starts again from zero.
    Reset { name: String },
    /// Say goodbye: the server replies, then closes.
    Quit,
}

/// A metric's current state, as GET (with its doc) and LIST (doc left empty) report it.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    pub name: String,
    pub kind: Kind,
    pub value: f64,
    /// Milliseconds since the Unix epoch of the last VAL; 0 if it never had one.
    pub timestamp: i64,
    pub doc: String,
}

/// The server's answer to one command.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    /// Success, with a short human-readable message.
    Ok(String),
    /// The answer to GET.
    Sample(Sample),
    /// The answer to LIST.
    List(Vec<Sample>),
    /// Failure: the command was not applied.
    Err(Error),
}

/// Why a command failed. The number is what a binary ERR frame carries, the slug what the
/// text and JSON encodings carry.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    BadCommand = 1,
    BadName = 2,
    BadValue = 3,
    BadDoc = 4,
    UnknownMetric = 5,
    KindMismatch = 6,
    StoreFull = 7,
    Quota = 8,
    TooLong = 9,
    BadUtf8 = 10,
    BadFrame = 11,
    BadMagic = 12,
    BadVersion = 13,
    UnknownType = 14,
    BadCanary = 15,
    BadEncoding = 16,
    BadJson = 17,
}

/// Every code, for lookups by number or slug.
const ALL_CODES: [ErrorCode; 17] = [
    ErrorCode::BadCommand,
    ErrorCode::BadName,
    ErrorCode::BadValue,
    ErrorCode::BadDoc,
    ErrorCode::UnknownMetric,
    ErrorCode::KindMismatch,
    ErrorCode::StoreFull,
    ErrorCode::Quota,
    ErrorCode::TooLong,
    ErrorCode::BadUtf8,
    ErrorCode::BadFrame,
    ErrorCode::BadMagic,
    ErrorCode::BadVersion,
    ErrorCode::UnknownType,
    ErrorCode::BadCanary,
    ErrorCode::BadEncoding,
    ErrorCode::BadJson,
];

impl ErrorCode {
    pub fn code(self) -> u8 {
        self as u8
    }

    pub fn from_code(code: u8) -> Option<ErrorCode> {
        ALL_CODES.iter().copied().find(|c| c.code() == code)
    }

    pub fn from_slug(slug: &str) -> Option<ErrorCode> {
        ALL_CODES.iter().copied().find(|c| c.slug() == slug)
    }

    pub fn slug(self) -> &'static str {
        match self {
            ErrorCode::BadCommand => "bad-command",
            ErrorCode::BadName => "bad-name",
            ErrorCode::BadValue => "bad-value",
            ErrorCode::BadDoc => "bad-doc",
            ErrorCode::UnknownMetric => "unknown-metric",
            ErrorCode::KindMismatch => "kind-mismatch",
            ErrorCode::StoreFull => "store-full",
            ErrorCode::Quota => "quota",
            ErrorCode::TooLong => "too-long",
            ErrorCode::BadUtf8 => "bad-utf8",
            ErrorCode::BadFrame => "bad-frame",
            ErrorCode::BadMagic => "bad-magic",
            ErrorCode::BadVersion => "bad-version",
            ErrorCode::UnknownType => "unknown-type",
            ErrorCode::BadCanary => "bad-canary",
            ErrorCode::BadEncoding => "bad-encoding",
            ErrorCode::BadJson => "bad-json",
        }
    }
}

/// An error reply: a code and a sentence for the human reading it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub code: ErrorCode,
    pub message: String,
}

impl Error {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Error {
        Error {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.code.slug(), self.message)
    }
}

/// Names follow Prometheus: `[a-zA-Z_:][a-zA-Z0-9_:]*`, at most [`MAX_NAME`] bytes. That keeps
/// them printable in every encoding and valid in the exposition format.
pub fn check_name(name: &str) -> Result<(), Error> {
    let bad = |why: &str| Err(Error::new(ErrorCode::BadName, format!("{:?}: {why}", clip(name, 80))));
    if name.is_empty() {
        return bad("empty name");
    }
    if name.len() > MAX_NAME {
        return bad(&format!("longer than {MAX_NAME} bytes"));
    }
    let mut bytes = name.bytes();
    let first_ok = bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_' || b == b':');
    if !first_ok || !bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b':') {
        return bad("a name is [a-zA-Z_:][a-zA-Z0-9_:]*");
    }
    Ok(())
}

/// Docs are UTF-8 text of at most [`MAX_DOC`] bytes without control characters (a newline
/// would end a text reply or a HELP line early).
pub fn check_doc(doc: &str) -> Result<(), Error> {
    if doc.len() > MAX_DOC {
        return Err(Error::new(
            ErrorCode::BadDoc,
            format!("doc longer than {MAX_DOC} bytes"),
        ));
    }
    if doc.chars().any(char::is_control) {
        return Err(Error::new(ErrorCode::BadDoc, "doc contains control characters"));
    }
    Ok(())
}

/// NaN and ±infinity are refused: they cannot be added to a counter meaningfully, JSON cannot
/// carry them, and a NaN gauge is almost always a bug in the sender.
pub fn check_value(value: f64) -> Result<(), Error> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(Error::new(
            ErrorCode::BadValue,
            format!("{value} is not a finite number"),
        ))
    }
}

/// A value as text: integers without a fraction, others in Rust's shortest round-trip form
/// (`0.5`, `1e300`). Both Prometheus and `f64::from_str` read these back exactly.
pub fn format_value(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value:?}")
    }
}

/// At most `max` bytes of `s`, cut on a character boundary (for error messages that echo
/// client input back).
pub fn clip(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}
