//! Large values freed on a background thread.
//!
//! salsa frees the memos an edit replaced when the next revision starts,
//! inside the setter that starts it: for the model of a 100k-element
//! workspace that is tens of milliseconds of `free` on the thread applying
//! the next edit, before any analysis of it can begin. Wrapped in
//! [`Detached`], the value is handed to one background thread instead, and
//! the edit goes on at once. Whoever is about to build a value as large
//! calls [`wait_for_drops`] first, so that the freeing overlaps the quiet
//! time after an edit and the parse, yet at most two models are ever held
//! (the current one and the one being built), as without this.

use std::sync::mpsc::{self, Sender};
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock};

/// How many values were handed over and not yet dropped.
static PENDING: Mutex<usize> = Mutex::new(0);
static DROPPED: Condvar = Condvar::new();

fn pending() -> MutexGuard<'static, usize> {
    // The count is a plain number: a panic elsewhere cannot leave it torn.
    PENDING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Waits until every value handed to the background thread is dropped.
pub fn wait_for_drops() {
    let mut count = pending();
    while *count > 0 {
        count = DROPPED
            .wait(count)
            .unwrap_or_else(|poisoned| poisoned.into_inner());
    }
}

/// A value whose drop happens on the background thread. It reads as the
/// value itself.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Detached<T: Default + Send + 'static>(T);

impl<T: Default + Send + 'static> Detached<T> {
    pub fn new(value: T) -> Detached<T> {
        Detached(value)
    }
}

impl<T: Default + Send + 'static> std::ops::Deref for Detached<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Default + Send + 'static> Drop for Detached<T> {
    fn drop(&mut self) {
        // The empty value left behind costs nothing to drop here.
        let value = std::mem::take(&mut self.0);
        if let Err(refused) = send(Box::new(value)) {
            // No background thread (it could not be started): drop here.
            drop(refused);
        }
    }
}

type Garbage = Box<dyn Send>;

/// Hands `value` to the background thread, starting it the first time;
/// gives the value back when there is no thread to take it.
fn send(value: Garbage) -> Result<(), Garbage> {
    static DROPPER: OnceLock<Option<Mutex<Sender<Garbage>>>> = OnceLock::new();
    let dropper = DROPPER.get_or_init(|| {
        let (sender, receiver) = mpsc::channel::<Garbage>();
        std::thread::Builder::new()
            .name("kozo-drop".to_string())
            .spawn(move || {
                for garbage in receiver {
                    drop(garbage);
                    *pending() -= 1;
                    DROPPED.notify_all();
                }
            })
            .ok()
            .map(|_| Mutex::new(sender))
    });
    let Some(sender) = dropper else {
        return Err(value);
    };
    // A panic while holding the lock cannot leave the sender broken.
    let sender = sender
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    // Counted before it is sent, so the thread never counts below zero.
    *pending() += 1;
    sender.send(value).map_err(|refused| {
        *pending() -= 1;
        refused.0
    })
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use super::*;

    /// Records the thread it is dropped on.
    #[derive(Default)]
    struct Probe(Option<(Arc<AtomicBool>, std::thread::ThreadId)>);

    impl Drop for Probe {
        fn drop(&mut self) {
            if let Some((dropped_elsewhere, caller)) = self.0.take() {
                let elsewhere = std::thread::current().id() != caller;
                dropped_elsewhere.store(elsewhere, Ordering::SeqCst);
            }
        }
    }

    #[test]
    fn the_value_is_dropped_on_another_thread_and_reads_as_itself() {
        let flag = Arc::new(AtomicBool::new(false));
        let detached = Detached::new((7, Probe(Some((flag.clone(), std::thread::current().id())))));
        assert_eq!(detached.0 .0, 7);
        assert_eq!((*detached).0, 7);
        drop(detached);
        // Wait (bounded) for the background thread to get to it.
        let started = Instant::now();
        while !flag.load(Ordering::SeqCst) && started.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(1));
        }
        assert!(flag.load(Ordering::SeqCst));
    }

    #[test]
    fn waiting_returns_once_everything_handed_over_is_dropped() {
        let flag = Arc::new(AtomicBool::new(false));
        drop(Detached::new(Probe(Some((
            flag.clone(),
            std::thread::current().id(),
        )))));
        wait_for_drops();
        assert!(flag.load(Ordering::SeqCst));
    }
}
