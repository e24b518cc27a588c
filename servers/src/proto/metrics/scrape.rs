//! Scraping a large store without paying for it once per client.
//!
//! With 10 000 metrics the exposition is some 3 MB. Rendering it for every `GET /metrics`
//! and queueing a private copy per scraper made 300 scrapers that never read cost 850 MB.
//! Three rules bound that:
//!
//! 1. **Render once per store version.** [`ExpositionCache`] keeps the last rendering of
//!    each document with the store's version (`Store::version`, bumped by every change);
//!    while the version is the same, every scrape gets the same bytes.
//! 2. **Share the bytes.** A rendering is an `Arc<[u8]>`: every scraper holds a reference,
//!    the reactor writes from it as the socket drains (`Ctx::send_shared`), the thread model
//!    writes from it in slices. A scraper that does not read costs a pointer, not 3 MB —
//!    and a small socket buffer ([`SCRAPE_SEND_BUFFER`]), so the kernel does not keep a
//!    copy per scraper either.
//! 3. **Cap and time the scrapes.** At most [`MAX_SCRAPES`] at once by default, counted from
//!    the complete request head to the end of the reply (the next get 503 with `Retry-After`;
//!    a client still sending its head holds no slot), each with [`SCRAPE_DEADLINE`] (by default) for its whole exchange, head and reply:
//!    past it the connection is dropped. A rendering kept alive by a stalled scraper after
//!    the store moved on is therefore bounded too: at most `MAX_SCRAPES` versions, for at
//!    most `SCRAPE_DEADLINE`.

use super::expose::{json_document, prometheus_text};
use super::store::Store;
use std::sync::Arc;
use std::time::Duration;

/// Scrapes served at once on the HTTP port by default (`--max-scrapes`), each from its
/// complete head to the end of its reply; the next ones get 503 + `Retry-After`.
pub const MAX_SCRAPES: usize = 16;
/// Longest a scrape may take by default (`--scrape-deadline`), from accept to the last byte
/// of the reply.
pub const SCRAPE_DEADLINE: Duration = Duration::from_secs(10);

/// The two bounds on scrapes, as the command line set them.
#[derive(Copy, Clone, Debug)]
pub struct ScrapeLimits {
    /// Scrapes served at once.
    pub max: usize,
    /// Longest one scrape may take, head and reply.
    pub deadline: Duration,
}

impl Default for ScrapeLimits {
    fn default() -> Self {
        ScrapeLimits {
            max: MAX_SCRAPES,
            deadline: SCRAPE_DEADLINE,
        }
    }
}
/// `SO_SNDBUF` of a scrape socket. Left to autotuning, the kernel would take some 2.5 MB
/// of the document into every socket whose reader is stalled, beyond any cap of ours (and
/// keep it after we close); with a small buffer the rest waits in the one shared rendering.
pub const SCRAPE_SEND_BUFFER: usize = 64 * 1024;
/// What a 503 asks the scraper to wait, in seconds.
pub const RETRY_AFTER_SECS: &str = "1";

/// The documents the HTTP port serves.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Document {
    /// `GET /metrics`: the Prometheus text exposition.
    Prometheus,
    /// `GET /metrics.json`.
    Json,
}

/// The last rendering of each document, with the store version it shows.
#[derive(Debug, Default)]
pub struct ExpositionCache {
    prometheus: Option<(u64, Arc<[u8]>)>,
    json: Option<(u64, Arc<[u8]>)>,
    /// Renderings made so far (for tests and logs: scrapes of an unchanged store add none).
    pub renders: u64,
}

impl ExpositionCache {
    /// `document` as of the store's current version: the cached bytes when still exact,
    /// else a fresh rendering that replaces them.
    pub fn get(&mut self, store: &Store, document: Document) -> Arc<[u8]> {
        let slot = match document {
            Document::Prometheus => &mut self.prometheus,
            Document::Json => &mut self.json,
        };
        if let Some((version, bytes)) = slot {
            if *version == store.version() {
                return Arc::clone(bytes);
            }
        }
        let text = match document {
            Document::Prometheus => prometheus_text(store),
            Document::Json => json_document(store),
        };
        let bytes: Arc<[u8]> = Arc::from(text.into_bytes());
        *slot = Some((store.version(), Arc::clone(&bytes)));
        self.renders += 1;
        bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::metrics::command::Kind;

    #[test]
    fn one_rendering_per_store_version_shared_by_every_scrape() {
        let mut store = Store::default();
        let _ = store.describe("hits".into(), Kind::Counter, "served".into());
        let mut cache = ExpositionCache::default();
        let first = cache.get(&store, Document::Prometheus);
        let second = cache.get(&store, Document::Prometheus);
        assert!(Arc::ptr_eq(&first, &second), "same version: the same bytes");
        assert_eq!(cache.renders, 1);
        let _ = store.record("hits", 2.0, 1);
        let third = cache.get(&store, Document::Prometheus);
        assert_eq!(cache.renders, 2, "a change renders again");
        assert!(String::from_utf8_lossy(&third).contains("hits 2 1"));
        assert!(
            String::from_utf8_lossy(&first).contains("hits 0"),
            "old holders keep theirs"
        );
        let json = cache.get(&store, Document::Json);
        assert!(String::from_utf8_lossy(&json).contains("\"hits\""));
    }
}
