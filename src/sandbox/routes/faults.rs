//! Fault injection: per-key rate limiting (DRF `SimpleRateThrottle`) and random 500s.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use tokio::time::Instant;

use super::error::ApiError;

const WINDOW: Duration = Duration::from_secs(60);

pub struct Faults {
    rate_limit_per_min: Option<u32>,
    history: Mutex<HashMap<String, VecDeque<Instant>>>,
    fail_rate: f64,
    rng: Mutex<SmallRng>,
}

impl Faults {
    pub fn new(rate_limit_per_min: Option<u32>, fail_rate: f64, seed: u64) -> Faults {
        Faults {
            rate_limit_per_min,
            history: Mutex::new(HashMap::new()),
            fail_rate,
            rng: Mutex::new(SmallRng::seed_from_u64(seed ^ 0xFA11_FA11)),
        }
    }

    /// True for the configured share of requests (seeded, so reproducible).
    pub fn should_fail(&self) -> bool {
        if self.fail_rate <= 0.0 {
            return false;
        }
        let roll: f64 = self.rng.lock().map(|mut r| r.random()).unwrap_or(0.0);
        roll < self.fail_rate
    }

    /// DRF's sliding log: at most N requests in the last 60 s per key; the wait is the time
    /// until the oldest one leaves the window, rounded up.
    pub fn throttle(&self, key: &str) -> Result<(), ApiError> {
        let Some(limit) = self.rate_limit_per_min else {
            return Ok(());
        };
        let now = Instant::now();
        let mut all = self.history.lock().map_err(|_| ApiError::server_error())?;
        let log = all.entry(key.to_owned()).or_default();
        while log.back().is_some_and(|t| now.duration_since(*t) >= WINDOW) {
            log.pop_back();
        }
        if log.len() >= limit as usize {
            let oldest = log.back().copied().unwrap_or(now);
            let remaining = WINDOW.saturating_sub(now.duration_since(oldest));
            let available = (limit as usize + 1).saturating_sub(log.len()).max(1);
            let wait = remaining.as_secs_f64() / available as f64;
            return Err(ApiError::throttled(wait.ceil() as u64));
        }
        log.push_front(now);
        Ok(())
    }
}
