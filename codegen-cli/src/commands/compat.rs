//! `tidings compat`: the engine on plain files.

use tidings_schema::compat::{check_with, Options};
use tidings_schema::SchemaDoc;

use crate::cli::{CompatArgs, Format};
use crate::exit::Exit;
use crate::output;
use crate::schema_files::read_schema;

pub(crate) fn run(args: CompatArgs) -> anyhow::Result<Exit> {
    let docs = args
        .files
        .iter()
        .map(|path| read_schema(path, args.schema_type, &args.references))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let (new, previous) = docs.split_last().expect("clap requires at least two files");
    let options = Options {
        policy: args.policy.into(),
    };
    let report = check_with(previous, new, args.level, options);
    let previous_files: Vec<&str> = previous.iter().map(SchemaDoc::file).collect();
    match args.format {
        Format::Text => output::print_text(&report, new.file(), &previous_files)?,
        Format::Json => output::print_json(&report, new.file(), &previous_files)?,
    }
    Ok(Exit::found_if(!report.is_compatible()))
}
