//! The store's file: an append-only log of JSON lines, like the `_schemas` topic Confluent's
//! registry keeps in Kafka. Every process that opens the folder replays it; a writer takes an
//! exclusive lock on `lock`, catches up with what other processes appended, decides, appends
//! and syncs before it lets go, so two processes never hand out the same id or version.
//!
//! A line cut short by a crash (no final newline) is not part of the log: readers stop before
//! it and the next writer truncates it away.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Serialize;

/// The log of one store folder.
#[derive(Debug)]
pub(crate) struct Log {
    path: PathBuf,
    file: File,
    lock: File,
    /// How far this process has read (always just after a newline).
    offset: u64,
}

/// How the lock is held.
#[derive(Clone, Copy)]
pub(crate) enum Access {
    Read,
    Write,
}

impl Log {
    /// Opens (or creates) the log in `dir`.
    pub(crate) fn open(dir: &Path) -> io::Result<Log> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join("log.jsonl");
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)?;
        let lock = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(dir.join("lock"))?;
        Ok(Log {
            path,
            file,
            lock,
            offset: 0,
        })
    }

    /// The log file.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` under the lock, after handing every record appended since the last call to
    /// `apply`. With [`Access::Write`], the records `f` returns are appended (and synced)
    /// before the lock is released, then applied too.
    pub(crate) fn with_lock<R, T, E>(
        &mut self,
        access: Access,
        mut apply: impl FnMut(R) -> Result<(), String>,
        f: impl FnOnce() -> Result<(Vec<R>, T), E>,
    ) -> Result<Result<T, E>, io::Error>
    where
        R: Serialize + DeserializeOwned,
    {
        match access {
            Access::Read => self.lock.lock_shared()?,
            Access::Write => self.lock.lock()?,
        }
        let outcome = self.locked(access, &mut apply, f);
        self.lock.unlock()?;
        outcome
    }

    fn locked<R, T, E>(
        &mut self,
        access: Access,
        apply: &mut impl FnMut(R) -> Result<(), String>,
        f: impl FnOnce() -> Result<(Vec<R>, T), E>,
    ) -> Result<Result<T, E>, io::Error>
    where
        R: Serialize + DeserializeOwned,
    {
        self.catch_up(apply)?;
        let (records, value) = match f() {
            Ok(done) => done,
            Err(e) => return Ok(Err(e)),
        };
        if records.is_empty() {
            return Ok(Ok(value));
        }
        debug_assert!(
            matches!(access, Access::Write),
            "records written under a read lock"
        );
        let mut text = String::new();
        for record in &records {
            text.push_str(&serde_json::to_string(record).map_err(io::Error::other)?);
            text.push('\n');
        }
        // Drop what a crashed writer left after the last complete line.
        self.file.set_len(self.offset)?;
        self.file.seek(SeekFrom::Start(self.offset))?;
        self.file.write_all(text.as_bytes())?;
        self.file.sync_data()?;
        let start = self.offset;
        self.offset += text.len() as u64;
        for record in records {
            // What this process wrote itself was checked before it was written.
            apply(record).map_err(|message| self.damaged(start, &message))?;
        }
        Ok(Ok(value))
    }

    /// Reads the complete lines past `offset`.
    fn catch_up<R: DeserializeOwned>(
        &mut self,
        apply: &mut impl FnMut(R) -> Result<(), String>,
    ) -> io::Result<()> {
        let len = self.file.metadata()?.len();
        if len <= self.offset {
            return Ok(());
        }
        self.file.seek(SeekFrom::Start(self.offset))?;
        let mut bytes = Vec::with_capacity((len - self.offset) as usize);
        (&mut self.file)
            .take(len - self.offset)
            .read_to_end(&mut bytes)?;
        let complete = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let mut start = 0;
        for line in bytes[..complete].split_inclusive(|&b| b == b'\n') {
            let at = self.offset + start as u64;
            start += line.len();
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let record = serde_json::from_slice(line)
                .map_err(|e| self.damaged(at, &format!("it cannot be read ({e})")))?;
            apply(record).map_err(|message| self.damaged(at, &message))?;
        }
        self.offset += complete as u64;
        Ok(())
    }

    /// The error for a record that cannot be taken, at byte `at` of the log.
    fn damaged(&self, at: u64, why: &str) -> io::Error {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "{}: the record at byte {at}: {why}; the registry data is damaged: restore the folder from a copy, or remove that line and the lines after it (the versions they held are lost)",
                self.path.display()
            ),
        )
    }
}
