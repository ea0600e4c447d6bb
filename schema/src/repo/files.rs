//! Where schema files come from: the working tree, or a git revision (read with the `git`
//! command, all files in one `git cat-file --batch`).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::RepoError;

/// The files below a schema root, by path relative to it (`identity/user_registered/v1.avsc`).
#[derive(Debug, Clone)]
pub struct SchemaFiles {
    /// How paths are shown: the schema root as the user sees it (`schemas`), or `REF:schemas`.
    pub display_root: String,
    /// The schema root as a path (for resolving references; virtual for a git revision).
    pub root: PathBuf,
    /// Every file, relative path to content (`None` when it is read from disk on demand).
    pub files: BTreeMap<String, Option<String>>,
    /// Symbolic links (relative paths) that lead outside the schema root, and were not followed.
    pub links_outside: Vec<String>,
    /// The git revision the files come from; `None` for the working tree.
    pub revision: Option<String>,
}

impl SchemaFiles {
    /// The files of the working tree below `root` (given relative to the project, as shown).
    ///
    /// # Errors
    /// A schema root that does not exist or cannot be listed.
    pub fn work_tree(project: &Path, root: &Path) -> Result<SchemaFiles, RepoError> {
        SchemaFiles::work_tree_below(project, root, |_| true)
    }

    /// The files of the working tree below those entries of the schema root whose name
    /// `keep` accepts (the shared folders, say), listed as [`SchemaFiles::work_tree`] lists.
    ///
    /// # Errors
    /// See [`SchemaFiles::work_tree`].
    pub fn work_tree_below(
        project: &Path,
        root: &Path,
        keep: impl Fn(&str) -> bool,
    ) -> Result<SchemaFiles, RepoError> {
        let dir = project.join(root);
        if !dir.is_dir() {
            return Err(RepoError::NoSchemaRoot(dir));
        }
        // Links are followed where they stay inside the root (each real folder listed once, so
        // a loop ends); a link that leads out is reported, never followed: references and
        // files stay inside the schema root.
        let real_root = dir.canonicalize().map_err(|e| RepoError::io(&dir, e))?;
        let root_id = std::fs::metadata(&dir)
            .map(|meta| folder_id(&meta, &real_root))
            .map_err(|e| RepoError::io(&dir, e))?;
        let mut seen = std::collections::HashSet::from([root_id]);
        let mut files = BTreeMap::new();
        let mut links_outside = Vec::new();
        let mut stack = vec![dir.clone()];
        while let Some(folder) = stack.pop() {
            let entries = std::fs::read_dir(&folder).map_err(|e| RepoError::io(&folder, e))?;
            for entry in entries {
                let entry = entry.map_err(|e| RepoError::io(&folder, e))?;
                let path = entry.path();
                let name = entry.file_name();
                if name.to_string_lossy().starts_with('.')
                    || (folder == dir && !keep(&name.to_string_lossy()))
                {
                    continue;
                }
                let rel = slash_path(path.strip_prefix(&dir).unwrap_or(&path));
                let mut kind = entry.file_type().map_err(|e| RepoError::io(&path, e))?;
                if kind.is_symlink() {
                    match path.canonicalize() {
                        Ok(real) if real.starts_with(&real_root) => {
                            let meta =
                                std::fs::metadata(&path).map_err(|e| RepoError::io(&path, e))?;
                            kind = meta.file_type();
                            if kind.is_dir() && !seen.insert(folder_id(&meta, &real)) {
                                continue;
                            }
                        }
                        _ => {
                            links_outside.push(rel);
                            continue;
                        }
                    }
                } else if kind.is_dir() {
                    // A folder is known by its identity, which costs one stat where its real
                    // path costs a readlink per component.
                    if let Ok(meta) = entry.metadata() {
                        seen.insert(folder_id(&meta, &path));
                    }
                }
                if kind.is_dir() {
                    stack.push(path);
                } else if kind.is_file() {
                    files.insert(rel, None);
                }
            }
        }
        links_outside.sort();
        Ok(SchemaFiles {
            display_root: slash_path(root),
            root: root.to_path_buf(),
            files,
            links_outside,
            revision: None,
        })
    }

    /// The files below `root` at git revision `rev` of the repository that holds `project`.
    ///
    /// # Errors
    /// No git, not a git repository, a revision that does not exist, a schema root absent there.
    pub fn git_revision(project: &Path, root: &Path, rev: &str) -> Result<SchemaFiles, RepoError> {
        let prefix = git(project, &["rev-parse", "--show-prefix"])?;
        let root_in_repo = format!("{}{}", prefix.trim(), slash_path(root))
            .trim_end_matches('/')
            .to_owned();
        git(
            project,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{rev}^{{commit}}"),
            ],
        )
        .map_err(|_| RepoError::UnknownRevision(rev.to_owned()))?;
        let listing = git(
            project,
            &[
                "ls-tree",
                "-r",
                "-z",
                "--name-only",
                rev,
                "--",
                &format!("{root_in_repo}/"),
            ],
        )?;
        let paths: Vec<&str> = listing.split('\0').filter(|p| !p.is_empty()).collect();
        let mut files = BTreeMap::new();
        let contents = git_cat_files(project, rev, &paths)?;
        for (path, content) in paths.iter().zip(contents) {
            let rel = path
                .strip_prefix(&format!("{root_in_repo}/"))
                .unwrap_or(path);
            if rel.split('/').any(|part| part.starts_with('.')) {
                continue;
            }
            files.insert(rel.to_owned(), Some(content));
        }
        Ok(SchemaFiles {
            display_root: format!("{rev}:{}", slash_path(root)),
            root: root.to_path_buf(),
            files,
            links_outside: Vec::new(),
            revision: Some(rev.to_owned()),
        })
    }

    /// Whether the files come from a git revision rather than the working tree.
    pub fn is_revision(&self) -> bool {
        self.revision.is_some()
    }

    /// The path of a file as shown in messages.
    pub fn display(&self, rel: &str) -> String {
        format!("{}/{rel}", self.display_root)
    }

    /// The content of a file.
    ///
    /// # Errors
    /// A file that cannot be read, or is not in this source.
    pub fn read(&self, project: &Path, rel: &str) -> Result<String, RepoError> {
        match self.files.get(rel) {
            Some(Some(content)) => Ok(content.clone()),
            Some(None) => {
                let path = project.join(&self.root).join(rel);
                read_text(&path).map_err(|e| RepoError::io(&path, e))
            }
            None => Err(RepoError::io(
                Path::new(&self.display(rel)),
                std::io::Error::from(std::io::ErrorKind::NotFound),
            )),
        }
    }
}

/// `path` as seen from `base` (both absolute), with `/` separators: `service`, `../..`, or empty
/// when they are the same folder.
pub fn relative_path(path: &Path, base: &Path) -> String {
    let path: Vec<_> = path.components().collect();
    let base: Vec<_> = base.components().collect();
    let common = path.iter().zip(&base).take_while(|(a, b)| a == b).count();
    let ups = std::iter::repeat_n("..".to_owned(), base.len() - common);
    let downs = path[common..]
        .iter()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    ups.chain(downs).collect::<Vec<_>>().join("/")
}

/// A folder's identity, the same whatever path leads to it (through links or not): device and
/// inode where there are such, else its real path.
#[cfg(unix)]
fn folder_id(meta: &std::fs::Metadata, _path: &Path) -> (u64, u64, PathBuf) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino(), PathBuf::new())
}

#[cfg(not(unix))]
fn folder_id(_meta: &std::fs::Metadata, path: &Path) -> (u64, u64, PathBuf) {
    (
        0,
        0,
        path.canonicalize().unwrap_or_else(|_| path.to_path_buf()),
    )
}

/// A file's text. Schema files are small: one read into room for 8 KiB and one that finds the
/// end, without asking the file system for the size first (one system call in four, on a
/// repository of 50,000 files).
fn read_text(path: &Path) -> std::io::Result<String> {
    let file = std::fs::File::open(path)?;
    let mut text = String::with_capacity(8 * 1024);
    // Through `Take`, which does not ask for the size as `File` does.
    file.take(u64::MAX).read_to_string(&mut text)?;
    // Texts are kept while a repository is loaded: no room to spare.
    text.shrink_to_fit();
    Ok(text)
}

/// A path's components joined by `/`, whatever the platform's separator.
pub(crate) fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn git(dir: &Path, args: &[&str]) -> Result<String, RepoError> {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| RepoError::Git(format!("cannot run git: {e}")))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let message = stderr
            .lines()
            .next()
            .unwrap_or("git failed")
            .trim()
            .trim_start_matches("fatal: ")
            .to_owned();
        return Err(RepoError::Git(message));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Reads many blobs with one `git cat-file --batch`.
fn git_cat_files(dir: &Path, rev: &str, paths: &[&str]) -> Result<Vec<String>, RepoError> {
    if paths.is_empty() {
        return Ok(Vec::new());
    }
    let mut child = Command::new("git")
        .args(["cat-file", "--batch"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| RepoError::Git(format!("cannot run git: {e}")))?;
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let requests: String = paths.iter().map(|p| format!("{rev}:{p}\n")).collect();
    // Write from another thread: git answers while we still write, and pipes are finite.
    let writer = std::thread::spawn(move || stdin.write_all(requests.as_bytes()));
    let mut out = BufReader::new(child.stdout.take().expect("stdout is piped"));
    let mut contents = Vec::with_capacity(paths.len());
    for path in paths {
        let mut header = String::new();
        out.read_line(&mut header)
            .map_err(|e| RepoError::Git(format!("reading git output: {e}")))?;
        let size: usize = header
            .split_whitespace()
            .nth(2)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| {
                RepoError::Git(format!(
                    "cannot read `{path}` at `{rev}`: {}",
                    header.trim()
                ))
            })?;
        let mut blob = vec![0; size + 1];
        out.read_exact(&mut blob)
            .map_err(|e| RepoError::Git(format!("reading git output: {e}")))?;
        blob.pop();
        contents.push(
            String::from_utf8(blob)
                .map_err(|_| RepoError::Git(format!("`{path}` at `{rev}` is not UTF-8")))?,
        );
    }
    let _ = writer.join();
    let _ = child.wait();
    Ok(contents)
}

#[cfg(test)]
mod tests {
    use super::relative_path;
    use std::path::Path;

    #[test]
    fn paths_relative_to_a_folder() {
        let p = |path: &str, base: &str| relative_path(Path::new(path), Path::new(base));
        assert_eq!(p("/w/service", "/w"), "service");
        assert_eq!(p("/w", "/w/schemas/orders"), "../..");
        assert_eq!(p("/w", "/w"), "");
        assert_eq!(p("/a/b", "/a/c/d"), "../../b");
    }
}
