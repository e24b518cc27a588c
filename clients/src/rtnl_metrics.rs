//! A route's metrics (`RTA_METRICS`): what TCP starts with on that path.
//!
//! `ip route add 10.0.0.0/8 via … mtu lock 1400 advmss 1360 initcwnd 10 rtt 100ms` stores,
//! beside the route, a nested list of `RTAX_*` values: the path MTU (`lock`ed: path MTU
//! discovery may not lower it), the MSS to advertise, the initial congestion and receive
//! windows, a first RTT estimate (so the first retransmission timeout is not a guess), the
//! hop limit, the congestion control algorithm (`congctl`), ECN (`features ecn`)… The kernel
//! copies them into every socket that routes that way (`tcp_init_metrics`).
//!
//! `ip` prints them in `RTAX_*` order, `NAME [lock] VALUE`; [`render_metrics`] does the same.
//! The RTT is stored in 1/8 ms and its variance in 1/4 ms (the kernel's fixed point).

use std::fmt::Write;

use netlink_packet_route::route::RouteMetric;

/// `RTAX_*` numbers and the words `ip` uses for them (iproute2's `mx_names`).
const NAMES: [(u16, &str); 16] = [
    (2, "mtu"),
    (3, "window"),
    (4, "rtt"),
    (5, "rttvar"),
    (6, "ssthresh"),
    (7, "cwnd"),
    (8, "advmss"),
    (9, "reordering"),
    (10, "hoplimit"),
    (11, "initcwnd"),
    (12, "features"),
    (13, "rto_min"),
    (14, "initrwnd"),
    (15, "quickack"),
    (16, "congctl"),
    (17, "fastopen_no_cookie"),
];
const RTAX_RTT: u16 = 4;
const RTAX_RTTVAR: u16 = 5;
const RTAX_HOPLIMIT: u16 = 10;
const RTAX_FEATURES: u16 = 12;
const RTAX_RTO_MIN: u16 = 13;
const RTAX_CC_ALGO: u16 = 16;
/// `RTAX_FEATURE_ECN`: negotiate ECN on this path.
const FEATURE_ECN: u32 = 1;

/// One metric's value: a number, or the name of a congestion control algorithm.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Number(u32),
    Name(String),
}

/// The metrics of one route: `(RTAX_*, value)` and the `RTAX_LOCK` bit mask.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Metrics {
    pub values: Vec<(u16, Value)>,
    pub lock: u32,
}

impl Metrics {
    /// Collect the decoded `RTA_METRICS` list.
    pub fn from_netlink(list: &[RouteMetric]) -> Metrics {
        let mut metrics = Metrics::default();
        for metric in list {
            let (number, value) = match metric {
                RouteMetric::Lock(mask) => {
                    metrics.lock = *mask;
                    continue;
                }
                RouteMetric::Mtu(v) => (2, *v),
                RouteMetric::Window(v) => (3, *v),
                RouteMetric::Rtt(v) => (4, *v),
                RouteMetric::RttVar(v) => (5, *v),
                RouteMetric::SsThresh(v) => (6, *v),
                RouteMetric::Cwnd(v) => (7, *v),
                RouteMetric::Advmss(v) => (8, *v),
                RouteMetric::Reordering(v) => (9, *v),
                RouteMetric::Hoplimit(v) => (10, *v),
                RouteMetric::InitCwnd(v) => (11, *v),
                RouteMetric::Features(v) => (12, *v),
                RouteMetric::RtoMin(v) => (13, *v),
                RouteMetric::InitRwnd(v) => (14, *v),
                RouteMetric::QuickAck(v) => (15, *v),
                RouteMetric::CcAlgo(name) => {
                    metrics.values.push((RTAX_CC_ALGO, Value::Name(name.clone())));
                    continue;
                }
                RouteMetric::FastopenNoCookie(v) => (17, *v),
                _ => continue,
            };
            metrics.values.push((number, Value::Number(value)));
        }
        metrics
    }

    fn get(&self, number: u16) -> Option<&Value> {
        self.values.iter().find(|(n, _)| *n == number).map(|(_, v)| v)
    }
}

/// ` mtu lock 1400 advmss 1360 …`: every metric present (or only locked), in `RTAX_*` order.
pub fn render_metrics(metrics: &Metrics) -> String {
    let mut out = String::new();
    for (number, name) in NAMES {
        let locked = metrics.lock & (1 << number) != 0;
        let value = metrics.get(number);
        if value.is_none() && !locked {
            continue;
        }
        let number_value = match value {
            Some(Value::Number(n)) => *n,
            _ => 0,
        };
        if number == RTAX_HOPLIMIT && number_value == u32::MAX {
            continue; // -1: "use the default"
        }
        let _ = write!(out, " {name}");
        if locked {
            out.push_str(" lock");
        }
        let _ = match (number, value) {
            (RTAX_CC_ALGO, Some(Value::Name(algo))) => write!(out, " {algo}"),
            (RTAX_CC_ALGO, _) => write!(out, " "),
            (RTAX_FEATURES, _) => write!(out, "{}", features(number_value)),
            (RTAX_RTT, _) => write!(out, " {}", milliseconds(number_value / 8)),
            (RTAX_RTTVAR, _) => write!(out, " {}", milliseconds(number_value / 4)),
            (RTAX_RTO_MIN, _) => write!(out, " {}", milliseconds(number_value)),
            _ => write!(out, " {number_value}"),
        };
    }
    out
}

/// `features ecn`, and any other bit as the whole mask in hex (as `ip` does).
fn features(mask: u32) -> String {
    let mut out = String::new();
    if mask & FEATURE_ECN != 0 {
        out.push_str(" ecn");
    }
    if mask & !FEATURE_ECN != 0 {
        let _ = write!(out, " {mask:#x}");
    }
    out
}

/// `100ms`, or seconds from 1000 ms on (`1.5s`), like `ip`'s `%ums` / `%gs`.
pub fn milliseconds(ms: u32) -> String {
    if ms < 1000 {
        format!("{ms}ms")
    } else {
        format!("{}s", format_g(f64::from(ms) / 1e3))
    }
}

/// C's `%g` (six significant digits, trailing zeros removed, exponent from 1e6 on).
pub fn format_g(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let scientific = format!("{x:.5e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    if !(-4..6).contains(&exponent) {
        let mantissa = trim_zeros(mantissa);
        let sign = if exponent < 0 { '-' } else { '+' };
        return format!("{mantissa}e{sign}{:02}", exponent.abs());
    }
    let decimals = (5 - exponent).max(0) as usize;
    trim_zeros(&format!("{x:.decimals$}")).to_string()
}

fn trim_zeros(text: &str) -> &str {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_like_ip() {
        let metrics = Metrics::from_netlink(&[
            RouteMetric::Lock(1 << 2),
            RouteMetric::Mtu(1400),
            RouteMetric::Rtt(800),
            RouteMetric::RttVar(200),
            RouteMetric::Advmss(1360),
            RouteMetric::Features(1),
            RouteMetric::CcAlgo("reno".into()),
        ]);
        assert_eq!(
            render_metrics(&metrics),
            " mtu lock 1400 rtt 100ms rttvar 50ms advmss 1360 features ecn congctl reno"
        );
    }

    #[test]
    fn c_percent_g() {
        assert_eq!(format_g(1.5), "1.5");
        assert_eq!(format_g(2.0), "2");
        assert_eq!(format_g(1.234), "1.234");
        assert_eq!(format_g(536870.911), "536871");
        assert_eq!(format_g(4294967.295), "4.29497e+06");
        assert_eq!(milliseconds(999), "999ms");
        assert_eq!(milliseconds(20000), "20s");
    }
}
