//! How callers wait: an [`Interest`] in one operation's outcome (the first waiter pumps,
//! the others wait for the driver's generation to move), the [`PumpGuard`] that ends a
//! pump even when its future is dropped, and the [`Changed`] future.

use core::cell::RefCell;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use super::{Client, Clock, Driver, Transport};
use crate::error::Error;
use crate::provider::Flow;
use crate::session::{OpId, RequestId};

/// A waiter for one operation's outcome; deregisters itself when dropped early.
pub(super) struct Interest<'a, T: Transport, C: Clock, F: Flow> {
    pub(super) client: &'a Client<T, C, F>,
    pub(super) op: OpId,
    pub(super) live: bool,
}

impl<T: Transport, C: Clock, F: Flow> Interest<'_, T, C, F> {
    pub(super) async fn wait(mut self) -> Result<(), Error> {
        loop {
            let (result, pumping, generation) = {
                let d = self.client.driver.borrow();
                let result = d.awaited.get(&self.op).and_then(|a| a.result.clone());
                (result, d.pumping, d.generation)
            };
            if let Some(result) = result {
                self.release();
                return result;
            }
            if pumping {
                Changed {
                    driver: &self.client.driver,
                    seen: generation,
                }
                .await;
            } else {
                self.client.pump().await;
            }
        }
    }

    fn release(&mut self) {
        if !std::mem::replace(&mut self.live, false) {
            return;
        }
        if let Ok(mut d) = self.client.driver.try_borrow_mut() {
            if let Some(a) = d.awaited.get_mut(&self.op) {
                a.waiters = a.waiters.saturating_sub(1);
                if a.waiters == 0 {
                    d.awaited.remove(&self.op);
                }
            }
        }
    }
}

impl<T: Transport, C: Clock, F: Flow> Drop for Interest<'_, T, C, F> {
    fn drop(&mut self) {
        self.release();
    }
}

/// Ends a pump, also when its future is dropped mid-request: the request then counts
/// as failed, so the operation ends instead of waiting forever.
pub(super) struct PumpGuard<'a, T: Transport, C: Clock, F: Flow> {
    pub(super) client: &'a Client<T, C, F>,
    pub(super) in_flight: Option<RequestId>,
}

impl<T: Transport, C: Clock, F: Flow> Drop for PumpGuard<'_, T, C, F> {
    fn drop(&mut self) {
        if let Some(id) = self.in_flight.take() {
            if let Ok(mut m) = self.client.machine.try_borrow_mut() {
                let error = Error::Network {
                    message: "the request was cancelled".into(),
                };
                m.handle_transport_error(self.client.clock.now(), id, error);
            }
        }
        if let Ok(mut d) = self.client.driver.try_borrow_mut() {
            d.pumping = false;
        }
        self.client.notify();
    }
}

/// Completes once the driver's generation moves past `seen`.
pub(super) struct Changed<'a> {
    pub(super) driver: &'a RefCell<Driver>,
    pub(super) seen: u64,
}

impl Future for Changed<'_> {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut d = self.driver.borrow_mut();
        if d.generation != self.seen {
            return Poll::Ready(());
        }
        if !d.wakers.iter().any(|w| w.will_wake(cx.waker())) {
            d.wakers.push(cx.waker().clone());
        }
        Poll::Pending
    }
}
