//! The exit statuses every command shares (each command's `--help` says what they mean for it).

use std::process::ExitCode;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    /// 0: the run worked and found nothing to fix (warnings do not count).
    Clean,
    /// 1: the run worked and found something to fix: incompatible versions, lint errors, stale
    /// generated files, a registry that would refuse a version (nothing was registered).
    Found,
    /// 2: an error: bad usage, an unreadable or invalid schema or configuration, a registry
    /// that cannot be reached or failed.
    Error,
}

impl Exit {
    /// [`Exit::Found`] when `found`, else [`Exit::Clean`].
    pub(crate) fn found_if(found: bool) -> Exit {
        if found {
            Exit::Found
        } else {
            Exit::Clean
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        match exit {
            Exit::Clean => ExitCode::SUCCESS,
            Exit::Found => ExitCode::from(1),
            Exit::Error => ExitCode::from(2),
        }
    }
}
