// A wrong-but-plausible lab 11 (CI checks the grader fails it): RESET forgets the metric
// instead of setting it to 0, so its kind and doc are lost and GET says it is unknown.
// EXPECT: keeps the kind and the doc
// REGION: RESET in the store
check_name(name)?;
self.metrics.remove(name).map(|_| ()).ok_or_else(|| unknown(name))
