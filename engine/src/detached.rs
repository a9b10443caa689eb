//! Large values freed on a background thread.
//!
//! salsa frees the memos an edit replaced when the next revision starts,
//! inside the setter that starts it: for the model of a 100k-element
//! workspace that is tens of milliseconds of `free` on the thread applying
//! the next edit, before any analysis of it can begin. Wrapped in
//! [`Detached`], the value is handed to one background thread instead, and
//! the edit goes on at once. Whoever is about to build a value as large
//! calls [`wait_for_backlog`] first, and whoever is about to build one
//! wholly anew (every file's part of the model) [`wait_for_drops`], so that
//! the freeing overlaps the quiet time after an edit and the parse, and the
//! next model does not wait for it when it shares nearly everything with
//! the current one: after an edit that removed an element, the model before
//! it differs from the current one in every part and takes tens of
//! milliseconds to free, which the next edit of a label used to wait for.

use std::sync::mpsc::{self, Sender};
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock};

/// The background thread that drops what it is handed, and the count of
/// what it has not dropped yet.
struct Dropper {
    /// How many values were handed over and not yet dropped.
    pending: Mutex<usize>,
    dropped: Condvar,
    /// The thread's end of the channel; `None` when it could not start.
    sender: OnceLock<Option<Mutex<Sender<Garbage>>>>,
}

type Garbage = Box<dyn Send>;

/// The process's one dropper.
static DROPPER: Dropper = Dropper::new();

impl Dropper {
    const fn new() -> Dropper {
        Dropper {
            pending: Mutex::new(0),
            dropped: Condvar::new(),
            sender: OnceLock::new(),
        }
    }

    fn pending(&self) -> MutexGuard<'_, usize> {
        // The count is a plain number: a panic elsewhere cannot leave it torn.
        self.pending
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn wait_until_pending(&self, most: usize) {
        let mut count = self.pending();
        while *count > most {
            count = self
                .dropped
                .wait(count)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }

    /// Hands `value` to the background thread, starting it the first time;
    /// gives the value back when there is no thread to take it.
    fn send(&'static self, value: Garbage) -> Result<(), Garbage> {
        let sender = self.sender.get_or_init(|| {
            let (sender, receiver) = mpsc::channel::<Garbage>();
            std::thread::Builder::new()
                .name("kozo-drop".to_string())
                .spawn(move || {
                    for garbage in receiver {
                        drop(garbage);
                        *self.pending() -= 1;
                        self.dropped.notify_all();
                    }
                })
                .ok()
                .map(|_| Mutex::new(sender))
        });
        let Some(sender) = sender else {
            return Err(value);
        };
        // A panic while holding the lock cannot leave the sender broken.
        let sender = sender
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Counted before it is sent, so the thread never counts below zero.
        *self.pending() += 1;
        sender.send(value).map_err(|refused| {
            *self.pending() -= 1;
            refused.0
        })
    }
}

/// Waits until every value handed to the background thread is dropped.
pub fn wait_for_drops() {
    DROPPER.wait_until_pending(0);
}

/// Waits until at most one value handed to the background thread is still
/// to be dropped: one model may be freed while the next is built, never a
/// queue of them.
pub fn wait_for_backlog() {
    DROPPER.wait_until_pending(1);
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
        if let Err(refused) = DROPPER.send(Box::new(value)) {
            // No background thread (it could not be started): drop here.
            drop(refused);
        }
    }
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

    /// Blocks its drop until told to go on (or ten seconds have passed).
    struct Gate(Option<mpsc::Receiver<()>>);

    impl Drop for Gate {
        fn drop(&mut self) {
            if let Some(go) = self.0.take() {
                let _ = go.recv_timeout(Duration::from_secs(10));
            }
        }
    }

    #[test]
    fn a_build_waits_for_a_backlog_of_two_not_for_one_value_being_dropped() {
        // A dropper of its own: other tests' values do not count here.
        let dropper: &'static Dropper = Box::leak(Box::new(Dropper::new()));
        let (first_go, first) = mpsc::channel();
        let (second_go, second) = mpsc::channel();
        assert!(dropper.send(Box::new(Gate(Some(first)))).is_ok());
        // One value being dropped: no wait.
        dropper.wait_until_pending(1);
        assert!(dropper.send(Box::new(Gate(Some(second)))).is_ok());
        // Two: the wait lasts until the first is dropped.
        let (returned_tx, returned) = mpsc::channel();
        std::thread::spawn(move || {
            dropper.wait_until_pending(1);
            let _ = returned_tx.send(());
        });
        assert!(returned.recv_timeout(Duration::from_millis(50)).is_err());
        first_go.send(()).unwrap();
        assert!(returned.recv_timeout(Duration::from_secs(10)).is_ok());
        second_go.send(()).unwrap();
        dropper.wait_until_pending(0);
        assert_eq!(*dropper.pending(), 0);
    }
}
