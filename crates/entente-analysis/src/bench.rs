//! Throughput benchmark of the whole pipeline (ingest + analyze) over every supported file
//! of a directory, on one core and on several, printing documents/s and MB/s.

use crate::{Limits, analyze_bytes};
use serde::Serialize;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Why a benchmark could not run.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// A file or directory could not be read.
    #[error("cannot read {path}: {message}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The OS error.
        message: String,
    },
    /// Nothing to measure.
    #[error("no .txt, .md, .html, .docx or .pdf files under {0}")]
    NoFiles(PathBuf),
}

/// One measured pass.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Pass {
    /// Threads used.
    pub threads: usize,
    /// Documents processed (all repetitions).
    pub documents: u64,
    /// Input bytes processed.
    pub bytes: u64,
    /// Wall time.
    pub seconds: f64,
    /// Documents per second.
    pub docs_per_sec: f64,
    /// Input megabytes (10^6 bytes) per second of wall time.
    pub mb_per_sec: f64,
    /// CPU seconds the pass used (Linux; 0 when unknown).
    pub cpu_seconds: f64,
    /// Megabytes per CPU-second per thread: the speed of one core, independent of machine load.
    pub mb_per_cpu_sec: f64,
}

/// Benchmark figures.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BenchReport {
    /// The directory.
    pub dir: String,
    /// Files found.
    pub files: usize,
    /// Their total size.
    pub total_bytes: u64,
    /// Files that failed to ingest (counted, not timed out).
    pub failures: usize,
    /// Text files only (.txt/.md/.html), one core.
    pub text_one_core: Option<Pass>,
    /// All files, one core.
    pub one_core: Pass,
    /// All files, all requested threads.
    pub all_cores: Pass,
}

impl fmt::Display for BenchReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Analysis benchmark: {} ({} files, {:.1} MB)",
            self.dir,
            self.files,
            self.total_bytes as f64 / 1e6
        )?;
        let line = |f: &mut fmt::Formatter<'_>, label: &str, p: &Pass| {
            writeln!(
                f,
                "  {label:<24} {:>2} thread(s) {:>8.1} docs/s {:>7.2} MB/s wall {:>7.2} MB/s per CPU-second ({} docs, {:.2} s)",
                p.threads, p.docs_per_sec, p.mb_per_sec, p.mb_per_cpu_sec, p.documents, p.seconds
            )
        };
        if let Some(t) = &self.text_one_core {
            line(f, "text input, one core", t)?;
        }
        line(f, "all files, one core", &self.one_core)?;
        line(f, "all files, all cores", &self.all_cores)?;
        if self.failures > 0 {
            writeln!(
                f,
                "  {} file(s) were refused by ingest (still timed)",
                self.failures
            )?;
        }
        Ok(())
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), BenchError> {
    let rd = std::fs::read_dir(dir).map_err(|e| BenchError::Io {
        path: dir.to_owned(),
        message: e.to_string(),
    })?;
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out)?;
        } else if let Some(ext) = p.extension().and_then(|e| e.to_str())
            && matches!(
                ext.to_ascii_lowercase().as_str(),
                "txt" | "md" | "markdown" | "html" | "htm" | "docx" | "pdf"
            )
        {
            out.push(p);
        }
    }
    Ok(())
}

fn is_text(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    [".txt", ".md", ".markdown", ".html", ".htm"]
        .iter()
        .any(|e| l.ends_with(e))
}

/// CPU time (user + system) of this process, from /proc (Linux only).
fn cpu_time() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let rest = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = f.get(11)?.parse().ok()?;
    let stime: f64 = f.get(12)?.parse().ok()?;
    // USER_HZ is 100 on every Linux platform Entente runs on.
    Some((utime + stime) / 100.0)
}

fn run_pass(files: &[(String, Vec<u8>)], threads: usize, min_time: Duration) -> (Pass, usize) {
    let limits = Limits::default();
    let threads = threads.max(1);
    let cpu0 = cpu_time();
    let start = Instant::now();
    let mut docs = 0u64;
    let mut bytes = 0u64;
    let mut failures = 0usize;
    loop {
        if threads == 1 {
            for (name, b) in files {
                if analyze_bytes(b, name, &limits).is_err() {
                    failures += 1;
                }
                docs += 1;
                bytes += b.len() as u64;
            }
        } else {
            let next = std::sync::atomic::AtomicUsize::new(0);
            let fails = std::sync::atomic::AtomicUsize::new(0);
            std::thread::scope(|s| {
                for _ in 0..threads {
                    s.spawn(|| {
                        loop {
                            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some((name, b)) = files.get(i) else { break };
                            if analyze_bytes(b, name, &limits).is_err() {
                                fails.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            }
                        }
                    });
                }
            });
            failures += fails.into_inner();
            docs += files.len() as u64;
            bytes += files.iter().map(|f| f.1.len() as u64).sum::<u64>();
        }
        if start.elapsed() >= min_time {
            break;
        }
    }
    let secs = start.elapsed().as_secs_f64().max(1e-9);
    let cpu = match (cpu0, cpu_time()) {
        (Some(a), Some(b)) if b > a => b - a,
        _ => 0.0,
    };
    (
        Pass {
            threads,
            documents: docs,
            bytes,
            seconds: secs,
            docs_per_sec: docs as f64 / secs,
            mb_per_sec: bytes as f64 / 1e6 / secs,
            cpu_seconds: cpu,
            mb_per_cpu_sec: if cpu > 0.0 {
                bytes as f64 / 1e6 / cpu
            } else {
                0.0
            },
        },
        failures,
    )
}

/// Runs the pipeline over every supported file under `dir`, on one thread and on `threads`.
pub fn run(dir: &Path, threads: usize) -> Result<BenchReport, BenchError> {
    let mut paths = Vec::new();
    collect(dir, &mut paths)?;
    paths.sort();
    if paths.is_empty() {
        return Err(BenchError::NoFiles(dir.to_owned()));
    }
    let mut files = Vec::new();
    for p in &paths {
        let b = std::fs::read(p).map_err(|e| BenchError::Io {
            path: p.clone(),
            message: e.to_string(),
        })?;
        files.push((p.display().to_string(), b));
    }
    let total_bytes = files.iter().map(|f| f.1.len() as u64).sum();
    let min = Duration::from_millis(1500);
    // One untimed pass first: it compiles the regexes and lets their lazy DFAs build the
    // states this kind of text needs, so the timed passes show the steady state of a
    // long-running server rather than the one-off start-up of a process.
    let _ = run_pass(&files, 1, Duration::ZERO);
    let texts: Vec<(String, Vec<u8>)> = files.iter().filter(|f| is_text(&f.0)).cloned().collect();
    let text_one_core = (!texts.is_empty()).then(|| run_pass(&texts, 1, min).0);
    let (one_core, failures) = run_pass(&files, 1, min);
    let (all_cores, _) = run_pass(&files, threads, min);
    let per_pass = failures / (one_core.documents as usize / files.len()).max(1);
    Ok(BenchReport {
        dir: dir.display().to_string(),
        files: files.len(),
        total_bytes,
        failures: per_pass,
        text_one_core,
        one_core,
        all_cores,
    })
}
