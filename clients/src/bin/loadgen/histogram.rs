//! Latency histogram with log-linear buckets (the HdrHistogram idea, in 80 lines).
//!
//! Keeping every sample would cost memory proportional to the run; a plain linear histogram
//! wastes buckets on the tail or blurs the head. Log-linear buckets give a fixed *relative*
//! precision at any magnitude: values are grouped by their highest set bit (the "log" part),
//! and each such power-of-two range is split into `SUB_BUCKETS` equal slices (the "linear"
//! part). With 128 slices a bucket is at most 1/128 ≈ 0.8% of its value wide, and reporting
//! its midpoint is within ±0.4%. The whole u64 range fits in 57 × 128 counters (~58 KiB),
//! whatever the run length.
//!
//! Samples are recorded in nanoseconds so that loopback round trips of ~10 µs keep their
//! sub-microsecond detail; the report converts to microseconds.

/// Linear slices per power of two; values below this are stored exactly.
const SUB_BITS: u32 = 7;
const SUB_BUCKETS: usize = 1 << SUB_BITS;
/// One group for exact small values plus one per possible highest bit above them.
const GROUPS: usize = 64 - SUB_BITS as usize + 1;

/// Counts of samples per bucket, plus the exact maximum.
pub struct Histogram {
    counts: Vec<u64>,
    total: u64,
    max: u64,
}

impl Histogram {
    pub fn new() -> Histogram {
        Histogram {
            counts: vec![0; GROUPS * SUB_BUCKETS],
            total: 0,
            max: 0,
        }
    }

    pub fn record(&mut self, value: u64) {
        self.counts[bucket_of(value)] += 1;
        self.total += 1;
        self.max = self.max.max(value);
    }

    pub fn count(&self) -> u64 {
        self.total
    }

    pub fn max(&self) -> Option<u64> {
        (self.total > 0).then_some(self.max)
    }

    /// The value at quantile `q` (0.5 for the median, 0.999 for p999), `None` when empty.
    ///
    /// The rank is `ceil(q * count)` (the nearest-rank definition), and the answer is the
    /// midpoint of the bucket holding that rank, capped at the exact maximum so that
    /// `p999 <= max` always holds.
    pub fn quantile(&self, q: f64) -> Option<u64> {
        if self.total == 0 {
            return None;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (index, &count) in self.counts.iter().enumerate() {
            seen += count;
            if seen >= rank {
                return Some(midpoint_of(index).min(self.max));
            }
        }
        Some(self.max)
    }
}

/// Index of the bucket holding `value`.
fn bucket_of(value: u64) -> usize {
    if value < SUB_BUCKETS as u64 {
        return value as usize;
    }
    // Keep the top SUB_BITS+1 bits: `top` is in SUB_BUCKETS..2*SUB_BUCKETS.
    let shift = 63 - value.leading_zeros() - SUB_BITS;
    let top = (value >> shift) as usize;
    (shift as usize + 1) * SUB_BUCKETS + (top - SUB_BUCKETS)
}

/// Middle of the range of values that land in bucket `index`.
fn midpoint_of(index: usize) -> u64 {
    let group = index / SUB_BUCKETS;
    let slot = (index % SUB_BUCKETS) as u64;
    if group == 0 {
        return slot;
    }
    let shift = (group - 1) as u32;
    let low = (SUB_BUCKETS as u64 + slot) << shift;
    low + ((1u64 << shift) >> 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_values_are_exact() {
        for v in 0..SUB_BUCKETS as u64 {
            assert_eq!(midpoint_of(bucket_of(v)), v);
        }
    }

    #[test]
    fn relative_error_is_below_one_percent() {
        for v in [128u64, 129, 1000, 12_345, 999_999, 1 << 40, u64::MAX] {
            let m = midpoint_of(bucket_of(v));
            let err = (m as f64 - v as f64).abs() / v as f64;
            assert!(err < 0.01, "{v} -> {m}");
        }
    }

    #[test]
    fn quantiles_are_ordered_and_capped() {
        let mut h = Histogram::new();
        assert_eq!(h.quantile(0.5), None);
        for v in 1..=10_000u64 {
            h.record(v * 1000);
        }
        let p50 = h.quantile(0.5).unwrap_or(0);
        let p99 = h.quantile(0.99).unwrap_or(0);
        let p999 = h.quantile(0.999).unwrap_or(0);
        assert!(p50 <= p99 && p99 <= p999 && p999 <= 10_000_000);
        assert!((p50 as f64 - 5_000_000.0).abs() < 50_000.0, "{p50}");
        assert_eq!(h.max(), Some(10_000_000));
    }
}
