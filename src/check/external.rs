//! External links for `chancery check --external`: a few requests at once, each with a
//! timeout, so a large archive neither floods one host nor hangs on a dead one.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Requests every URL with at most `jobs` at once; Ok(status) or Err(why it is broken), in
/// the order of `urls`.
pub fn check_all(urls: &[&str], jobs: usize, timeout: Duration) -> Vec<Result<u16, String>> {
    let agent = ureq::AgentBuilder::new()
        .timeout(timeout)
        .user_agent(concat!(
            "chancery/",
            env!("CARGO_PKG_VERSION"),
            " (link check)"
        ))
        .build();
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<u16, String>>>> = Mutex::new(vec![None; urls.len()]);
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, urls.len().max(1)) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(url) = urls.get(i) else { break };
                let outcome = check_one(&agent, url);
                results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(outcome);
            });
        }
    });
    let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err("not checked".to_string())))
        .collect()
}

/// HEAD first (cheap); some servers refuse it, so a 405 or 501 is asked again with GET.
fn check_one(agent: &ureq::Agent, url: &str) -> Result<u16, String> {
    match request(agent, "HEAD", url) {
        Err(Refusal::Status(405 | 501)) => request(agent, "GET", url),
        other => other,
    }
    .map_err(|refusal| match refusal {
        Refusal::Status(code) => format!("status {code}"),
        Refusal::Failed(why) => why,
    })
}

enum Refusal {
    Status(u16),
    Failed(String),
}

fn request(agent: &ureq::Agent, method: &str, url: &str) -> Result<u16, Refusal> {
    match agent.request(method, url).call() {
        Ok(response) => Ok(response.status()),
        Err(ureq::Error::Status(code, _)) => Err(Refusal::Status(code)),
        // The transport error's own text repeats the URL, which the report already names.
        Err(ureq::Error::Transport(transport)) => Err(Refusal::Failed(match transport.message() {
            Some(message) => format!("{}: {message}", transport.kind()),
            None => transport.kind().to_string(),
        })),
    }
}
