//! Save-to-served latency of `chancery serve`: edits briefings of a running server's archive one
//! at a time and times how long each takes until the server returns the new page.
//!
//! ```sh
//! chancery serve --root DIR --port 4000 &
//! cargo run --release --example serve_latency -- --root DIR --port 4000 [--edits 20] [--pause-ms 3000]
//! ```
//!
//! Each edit appends a marker to one briefing's title (a different briefing each time, spread
//! through the archive), then asks for that briefing's page every millisecond until the marker
//! is in it. It prints each latency, then the median and the worst.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let root = PathBuf::from(value("--root").expect("--root DIR"));
    let port: u16 = value("--port").expect("--port N").parse().expect("a port");
    let edits: usize = value("--edits").map_or(20, |n| n.parse().expect("a count"));
    let pause_ms: u64 = value("--pause-ms").map_or(3000, |n| n.parse().expect("milliseconds"));
    let mut files = briefing_files(&root.join("content"));
    files.sort();
    let step = (files.len() / edits).max(1);
    let mut latencies = Vec::new();
    for (n, file) in files.iter().step_by(step).take(edits).enumerate() {
        let slug = slug_of(file);
        let marker = format!("latency-{n}-{}", std::process::id());
        let text = std::fs::read_to_string(file).expect("readable briefing");
        let edited = text.replacen("\ntitle: ", &format!("\ntitle: {marker} "), 1);
        let started = Instant::now();
        std::fs::write(file, edited).expect("writable briefing");
        let path = format!("/briefings/{slug}/");
        while !get(port, &path).contains(&marker) {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "{path} never changed"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        println!("edit {n:>2}: {ms:7.1} ms  {path}");
        latencies.push(ms);
        // Let this rebuild (and its search pass) finish before the next save, as an editor would.
        std::thread::sleep(Duration::from_millis(pause_ms));
    }
    latencies.sort_by(f64::total_cmp);
    let median = latencies[latencies.len() / 2];
    let worst = latencies[latencies.len() - 1];
    println!(
        "{} edits: median {median:.1} ms, worst {worst:.1} ms",
        latencies.len()
    );
}

fn briefing_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("content/ folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(briefing_files(&path));
        } else if path.extension().is_some_and(|e| e == "md") {
            files.push(path);
        }
    }
    files
}

/// The slug from the file name (no `slug:` in generated archives): the stem without its date.
fn slug_of(file: &Path) -> String {
    let stem = file.file_stem().unwrap().to_string_lossy();
    let dated = stem.len() > 11 && stem.as_bytes()[10] == b'-' && stem[..4].parse::<u32>().is_ok();
    match dated {
        true => stem[11..].to_string(),
        false => stem.to_string(),
    }
}

fn get(port: u16, path: &str) -> String {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return String::new();
    };
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    let mut body = String::new();
    let _ = stream.write_all(request.as_bytes());
    let _ = stream.read_to_string(&mut body);
    body
}
