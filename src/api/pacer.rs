//! Client-side pacing under PostHog's per-key limits: 240/min for reads (and every persons
//! action that is not a delete), 480/min plus 4,800/hour for deletes. Sliding windows on tokio
//! time, so tests can drive it with paused time.
use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// Which PostHog throttle a request counts against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RateClass {
    /// `clickhouse_burst`: 240/minute.
    Read,
    /// `persons_delete_burst` + `persons_delete_sustained`: 480/minute and 4,800/hour.
    Delete,
}

struct Window {
    limit: usize,
    span: Duration,
    sent: VecDeque<Instant>,
}

impl Window {
    fn new(limit: usize, span: Duration) -> Self {
        Self { limit, span, sent: VecDeque::new() }
    }
    /// When the next request may go out (now if under the limit).
    fn next_slot(&mut self, now: Instant) -> Instant {
        while let Some(first) = self.sent.front() {
            if now.duration_since(*first) >= self.span {
                self.sent.pop_front();
            } else {
                break;
            }
        }
        if self.sent.len() < self.limit { now } else { self.sent[self.sent.len() - self.limit] + self.span }
    }
}

/// Shared by every request made with one key.
pub struct Pacer {
    reads: Mutex<Vec<Window>>,
    deletes: Mutex<Vec<Window>>,
}

impl Default for Pacer {
    fn default() -> Self {
        Self::posthog()
    }
}

impl Pacer {
    /// PostHog Cloud's documented per-key limits.
    pub fn posthog() -> Self {
        Self::with_limits(240, 480, 4800)
    }
    /// Custom limits (per minute for reads and deletes, per hour for deletes).
    pub fn with_limits(reads_per_min: usize, deletes_per_min: usize, deletes_per_hour: usize) -> Self {
        let min = Duration::from_secs(60);
        Self {
            reads: Mutex::new(vec![Window::new(reads_per_min.max(1), min)]),
            deletes: Mutex::new(vec![
                Window::new(deletes_per_min.max(1), min),
                Window::new(deletes_per_hour.max(1), Duration::from_secs(3600)),
            ]),
        }
    }
    /// A pacer that never waits (for a local sandbox with limits off).
    pub fn unlimited() -> Self {
        Self::with_limits(usize::MAX, usize::MAX, usize::MAX)
    }

    /// Waits until a request of `class` may be sent, then records it. Returns how long it waited.
    pub async fn acquire(&self, class: RateClass) -> Duration {
        let start = Instant::now();
        loop {
            let now = Instant::now();
            let slot = {
                let mut windows = self.windows(class).lock().unwrap_or_else(|e| e.into_inner());
                let slot = windows.iter_mut().map(|w| w.next_slot(now)).max().unwrap_or(now);
                if slot <= now {
                    for w in windows.iter_mut() {
                        w.sent.push_back(now);
                    }
                }
                slot
            };
            if slot <= now {
                return now.duration_since(start);
            }
            tokio::time::sleep_until(slot).await;
        }
    }

    fn windows(&self, class: RateClass) -> &Mutex<Vec<Window>> {
        match class {
            RateClass::Read => &self.reads,
            RateClass::Delete => &self.deletes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn reads_pace_at_the_per_minute_limit() {
        let pacer = Pacer::with_limits(3, 10, 100);
        for _ in 0..3 {
            assert_eq!(pacer.acquire(RateClass::Read).await, Duration::ZERO);
        }
        // The fourth read waits for the first to leave the one-minute window.
        assert_eq!(pacer.acquire(RateClass::Read).await, Duration::from_secs(60));
        // Deletes are counted separately.
        assert_eq!(pacer.acquire(RateClass::Delete).await, Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn deletes_respect_the_hourly_window_too() {
        let pacer = Pacer::with_limits(100, 2, 3);
        let mut waited = Duration::ZERO;
        for _ in 0..4 {
            waited += pacer.acquire(RateClass::Delete).await;
        }
        // 2 per minute: the third waits a minute; 3 per hour: the fourth waits for the hour.
        assert_eq!(waited, Duration::from_secs(3600));
    }
}
