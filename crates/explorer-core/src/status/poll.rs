//! The polling schedule: a pure value the UI asks "how long until the next poll?". No timers.

use serde::Serialize;

/// Default polling interval.
pub const DEFAULT_INTERVAL_MS: f64 = 5_000.0;
/// The longest delay after repeated failures.
pub const MAX_BACKOFF_MS: f64 = 60_000.0;
/// The shortest interval accepted (a faster setting is raised to it).
pub const MIN_INTERVAL_MS: f64 = 500.0;

/// Interval, pause and exponential backoff: every consecutive failure doubles the delay (from
/// the interval) up to [`MAX_BACKOFF_MS`]; a success resets it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PollSchedule {
    interval_ms: f64,
    failures: u32,
    paused: bool,
}

impl Default for PollSchedule {
    fn default() -> Self {
        PollSchedule::new(DEFAULT_INTERVAL_MS)
    }
}

impl PollSchedule {
    pub fn new(interval_ms: f64) -> Self {
        let mut s = PollSchedule {
            interval_ms: DEFAULT_INTERVAL_MS,
            failures: 0,
            paused: false,
        };
        s.set_interval_ms(interval_ms);
        s
    }

    /// Sets the interval; not finite or below [`MIN_INTERVAL_MS`] is raised to the minimum,
    /// above [`MAX_BACKOFF_MS`] lowered to it.
    pub fn set_interval_ms(&mut self, ms: f64) {
        self.interval_ms = if ms.is_finite() {
            ms.clamp(MIN_INTERVAL_MS, MAX_BACKOFF_MS)
        } else {
            DEFAULT_INTERVAL_MS
        };
    }

    pub fn interval_ms(&self) -> f64 {
        self.interval_ms
    }

    pub fn pause(&mut self) {
        self.paused = true;
    }

    pub fn resume(&mut self) {
        self.paused = false;
    }

    pub fn is_paused(&self) -> bool {
        self.paused
    }

    /// Consecutive failed polls.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// A poll in which every request failed (no response at all).
    pub fn record_failure(&mut self) {
        self.failures = self.failures.saturating_add(1);
    }

    /// A poll with at least one response.
    pub fn record_success(&mut self) {
        self.failures = 0;
    }

    /// The delay before the next poll, `None` while paused.
    pub fn next_delay_ms(&self) -> Option<f64> {
        if self.paused {
            return None;
        }
        let factor = 2f64.powi(self.failures.min(30) as i32);
        Some((self.interval_ms * factor).min(MAX_BACKOFF_MS))
    }

    /// The age after which evidence is stale: two intervals (the configured ones, not the
    /// backed-off delay, so a failing system turns unknown rather than staying green).
    pub fn stale_after_ms(&self) -> f64 {
        2.0 * self.interval_ms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_to_the_cap_and_resets() {
        let mut s = PollSchedule::default();
        assert_eq!(s.next_delay_ms(), Some(5_000.0));
        let mut seen = Vec::new();
        for _ in 0..6 {
            s.record_failure();
            seen.push(s.next_delay_ms().unwrap());
        }
        assert_eq!(
            seen,
            vec![10_000.0, 20_000.0, 40_000.0, 60_000.0, 60_000.0, 60_000.0]
        );
        for _ in 0..100 {
            s.record_failure();
        }
        assert_eq!(s.next_delay_ms(), Some(60_000.0));
        s.record_success();
        assert_eq!(s.next_delay_ms(), Some(5_000.0));
    }

    #[test]
    fn pause_and_interval() {
        let mut s = PollSchedule::new(2_000.0);
        s.pause();
        assert_eq!(s.next_delay_ms(), None);
        s.resume();
        assert_eq!(s.next_delay_ms(), Some(2_000.0));
        s.set_interval_ms(f64::NAN);
        assert_eq!(s.interval_ms(), DEFAULT_INTERVAL_MS);
        s.set_interval_ms(1.0);
        assert_eq!(s.interval_ms(), MIN_INTERVAL_MS);
        s.set_interval_ms(1e9);
        assert_eq!(s.interval_ms(), MAX_BACKOFF_MS);
        assert_eq!(s.stale_after_ms(), 120_000.0);
    }
}
