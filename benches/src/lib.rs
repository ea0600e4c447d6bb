//! Inputs the benchmarks share: a generated schema repository of any size.

use std::path::Path;

/// Writes a project with `events` events of `versions` versions each, half Avro and half JSON
/// Schema, each version adding an optional field to the one before.
pub fn generate_repository(dir: &Path, events: usize, versions: usize) {
    write_repository(dir, events, versions, false);
}

/// The same repository with every event in Avro.
pub fn generate_avro_repository(dir: &Path, events: usize, versions: usize) {
    write_repository(dir, events, versions, true);
}

fn write_repository(dir: &Path, events: usize, versions: usize, avro_only: bool) {
    std::fs::write(dir.join("tidings.toml"), "schema_root = \"schemas\"\ncompatibility = \"FULL_TRANSITIVE\"\n# Open content models gain properties compatibly only when producers send no others.\npolicy = \"lenient\"\n").unwrap();
    for e in 0..events {
        let domain = format!("domain{}", e % 10);
        let name = format!("thing{e}_created");
        let folder = dir.join("schemas").join(&domain).join(&name);
        std::fs::create_dir_all(&folder).unwrap();
        let pascal = format!("Thing{e}Created");
        for v in 1..=versions {
            if avro_only || e % 2 == 0 {
                let mut fields = vec![
                    r#"{"name": "id", "type": {"type": "string", "logicalType": "uuid"}, "doc": "The thing."}"#.to_owned(),
                    r#"{"name": "occurred_at", "type": {"type": "long", "logicalType": "timestamp-millis"}, "doc": "When."}"#.to_owned(),
                    r#"{"name": "amount", "type": "long", "doc": "How much."}"#.to_owned(),
                    r#"{"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["A", "B", "C"], "default": "A", "doc": "State."}, "doc": "State."}"#.to_owned(),
                ];
                fields.extend((1..v).map(|i| format!(r#"{{"name": "extra{i}", "type": ["null", "string"], "default": null, "doc": "Added in v{}."}}"#, i + 1)));
                let text = format!(
                    r#"{{"type": "record", "name": "{pascal}", "namespace": "com.bench.{domain}", "doc": "A thing was created.", "fields": [{}]}}"#,
                    fields.join(", ")
                );
                std::fs::write(folder.join(format!("v{v}.avsc")), text).unwrap();
            } else {
                let mut props = vec![
                    r#""id": {"type": "string", "format": "uuid", "description": "The thing."}"#.to_owned(),
                    r#""occurred_at": {"type": "string", "format": "date-time", "description": "When."}"#.to_owned(),
                    r#""amount": {"type": "integer", "minimum": 0, "description": "How much."}"#.to_owned(),
                    r#""status": {"type": "string", "enum": ["A", "B", "C"], "description": "State."}"#.to_owned(),
                ];
                props.extend((1..v).map(|i| {
                    format!(
                        r#""extra{i}": {{"type": "string", "description": "Added in v{}."}}"#,
                        i + 1
                    )
                }));
                let text = format!(
                    r#"{{"title": "{pascal}", "description": "A thing was created.", "type": "object", "properties": {{{}}}, "required": ["id", "occurred_at"], "additionalProperties": true}}"#,
                    props.join(", ")
                );
                std::fs::write(folder.join(format!("v{v}.json")), text).unwrap();
            }
        }
    }
}

/// A global allocator that counts the bytes in use and their peak, so that benchmarks can report
/// peak memory: `#[global_allocator] static ALLOC: CountingAllocator = CountingAllocator;`.
pub struct CountingAllocator;

static CURRENT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static PEAK: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

// SAFETY: every call is passed to the system allocator unchanged; only counters are added.
unsafe impl std::alloc::GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        use std::sync::atomic::Ordering;
        let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        // SAFETY: the caller's layout is passed on as is.
        unsafe { std::alloc::System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        CURRENT.fetch_sub(layout.size(), std::sync::atomic::Ordering::Relaxed);
        // SAFETY: the pointer came from `alloc` with this layout.
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }
}

/// Runs `f` and returns its result with the peak heap it used above what was in use before, and
/// what was in use before (bytes).
pub fn measure_peak<T>(f: impl FnOnce() -> T) -> (T, usize, usize) {
    use std::sync::atomic::Ordering;
    let before = CURRENT.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let result = f();
    (result, PEAK.load(Ordering::Relaxed) - before, before)
}

/// A folder removed when dropped (benchmarks leave nothing behind).
pub struct TempDir(pub std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A fresh folder in the system's temporary folder, named for the benchmark and the process.
pub fn temp_dir(name: &str) -> TempDir {
    let dir = std::env::temp_dir().join(format!("tidings-bench-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    TempDir(dir)
}

/// Folders made for the life of a benchmark process and held in statics (which are never
/// dropped): [`remove_at_exit`] records them, [`remove_recorded`] (called after `divan::main`)
/// removes them, so a benchmark run leaves nothing behind.
static AT_EXIT: std::sync::Mutex<Vec<std::path::PathBuf>> = std::sync::Mutex::new(Vec::new());

/// A fresh folder like [`temp_dir`], removed by [`remove_recorded`] rather than on drop.
pub fn remove_at_exit(name: &str) -> std::path::PathBuf {
    let dir = temp_dir(name);
    let path = dir.0.clone();
    std::mem::forget(dir);
    AT_EXIT
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push(path.clone());
    path
}

/// Removes every folder [`remove_at_exit`] made.
pub fn remove_recorded() {
    for dir in AT_EXIT
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .drain(..)
    {
        let _ = std::fs::remove_dir_all(dir);
    }
}
