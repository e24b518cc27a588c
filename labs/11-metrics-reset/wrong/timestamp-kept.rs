// A wrong lab 11: RESET sets the value to 0 but leaves the timestamp of the last update: the
// statement (docs/metrics-protocol.md) resets both, and a scraper would date the 0 wrongly.
// EXPECT: RESET sets the value and the timestamp to 0
// REGION: RESET in the store
check_name(name)?;
let metric = self.metrics.get_mut(name).ok_or_else(|| unknown(name))?;
metric.value = 0.0;
Ok(())
