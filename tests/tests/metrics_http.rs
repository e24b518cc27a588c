//! The `--http` exposition on every model: `curl /metrics` parsed by Prometheus's own Python
//! parser (`prometheus_client`), `/metrics.json` by serde_json, and the 404/405 answers.
//!
//! Needs `curl` and a Python with `prometheus_client`, both installed by `make deps`; the
//! interpreter is the one it installed the module for (`tests::python_with`), and the test
//! fails saying what to run if it cannot import it.

mod metrics_common;

use metrics_common::*;
use std::process::Command;
use tests::TempDir;

/// Prints one `family type value timestamp` line per sample, or fails on invalid input.
const PARSE: &str = r#"
import sys
from prometheus_client.parser import text_string_to_metric_families
for family in text_string_to_metric_families(open(sys.argv[1]).read()):
    for s in family.samples:
        print(family.name, family.type, repr(family.documentation), float(s.value), s.timestamp)
"#;

fn curl(args: &[&str]) -> String {
    let out = Command::new("curl")
        .args(["-sS", "--max-time", "20"])
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run curl (apt-get install curl): {e}"));
    assert!(
        out.status.success(),
        "curl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn curl_metrics_is_valid_prometheus_text_on_every_model() {
    let python = tests::python_with("prometheus_client");
    for &model in MODELS {
        let (server, http) = start(model);
        let mut c = server.connect();
        for line in [
            "DESC http_requests counter Requests \\ served",
            "VAL http_requests 41 1700000000000",
            "VAL http_requests 1 1700000000500",
            "DESC temp_celsius gauge",
            "VAL temp_celsius -3.25 1700000000000",
            "DESC never_set gauge declared only",
            "DESC huge gauge big",
            "VAL huge 1e300 1",
        ] {
            assert!(text_cmd(&mut c, line).starts_with("OK "), "[{model}] {line}");
        }
        let dir = TempDir::new("metrics-http");
        let file = dir.path().join("metrics.txt");
        let body = curl(&[&format!("http://{http}/metrics"), "-o", &file.to_string_lossy()]);
        assert!(body.is_empty(), "[{model}] curl -o printed {body:?}");
        let out = Command::new(&python)
            .args(["-c", PARSE, &file.to_string_lossy()])
            .output()
            .unwrap_or_else(|e| panic!("{}: {e}", python.display()));
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        assert!(
            out.status.success(),
            "[{model}] parser refused:\n{text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let parsed = String::from_utf8_lossy(&out.stdout);
        let expected = "http_requests counter 'Requests \\\\ served' 42.0 1700000000.5\n\
                        huge gauge 'big' 1e+300 0.001\n\
                        never_set gauge 'declared only' 0.0 None\n\
                        temp_celsius gauge '' -3.25 1700000000.0\n";
        assert_eq!(parsed, expected, "[{model}] exposition was:\n{text}");
    }
}

#[test]
fn metrics_json_and_http_errors_on_every_model() {
    for &model in MODELS {
        let (server, http) = start(model);
        let mut c = server.connect();
        assert!(
            text_cmd(&mut c, "DESC up gauge is it up").starts_with("OK"),
            "[{model}]"
        );
        let json: serde_json::Value = serde_json::from_str(&curl(&[&format!("http://{http}/metrics.json")]))
            .unwrap_or_else(|e| panic!("[{model}] /metrics.json: {e}"));
        let expected =
            serde_json::json!({"metrics":[{"name":"up","kind":"gauge","doc":"is it up","value":0.0,"timestamp":0}]});
        assert_eq!(json, expected, "[{model}]");
        let status = |args: &[&str]| curl(&[&["-o", "/dev/null", "-w", "%{http_code}"], args].concat());
        assert_eq!(status(&[&format!("http://{http}/nothing")]), "404", "[{model}]");
        assert_eq!(
            status(&["-X", "DELETE", &format!("http://{http}/metrics")]),
            "405",
            "[{model}]"
        );
        assert_eq!(status(&["-I", &format!("http://{http}/metrics")]), "200", "[{model}]");
        // Garbage on the HTTP port: 400, and the protocol port is unaffected.
        let mut raw = tests::connect_tcp(&http);
        tests::write_all(&mut raw, b"\x01\x02 what\r\n\r\n");
        assert!(tests::read_line(&mut raw).starts_with("HTTP/1.1 400 "), "[{model}]");
        assert_serves_others(&server, model, "http garbage");
    }
}
