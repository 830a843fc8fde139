//! Reading an input whole, within a size limit: a file (never a FIFO or a device) or standard
//! input. One bounded read for every input, so that no file makes iam-lint hold more than the
//! limit, and one place that says what the limit is.

use std::io::Read;

use crate::error::io_reason;

/// Larger files are refused: no policy or template comes near it (CloudFormation's own limit
/// is 1 MB), and it bounds memory.
pub(crate) const DEFAULT_MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// What `max-file-size` and `--max-file-size` accept, in MiB.
pub(crate) const MAX_FILE_SIZE_MIB: std::ops::RangeInclusive<u64> = 1..=1024;

/// Why a file was not read.
pub(crate) enum ReadError {
    TooLarge(String),
    Io(String),
}

/// The file at `path`, if it is a regular file of at most `limit` bytes.
pub(crate) fn read_bounded(path: &std::path::Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let io = |e: std::io::Error| ReadError::Io(format!("cannot read: {}", io_reason(&e)));
    let meta = std::fs::metadata(path).map_err(io)?;
    // A FIFO would block and a device (a link to /dev/zero) never end.
    if !meta.is_file() {
        return Err(ReadError::Io("not a regular file".into()));
    }
    let too_large = |size: Option<u64>| {
        let size = size.map(|bytes| format!("{bytes} bytes, ")).unwrap_or_default();
        ReadError::TooLarge(format!("the file is {size}over {}", limit_text(limit)))
    };
    if meta.len() > limit {
        return Err(too_large(Some(meta.len())));
    }
    // The file may grow between the two calls: read no more than the limit allows.
    let file = std::fs::File::open(path).map_err(io)?;
    read_at_most(file, meta.len() as usize, limit).map_err(io)?.ok_or_else(|| too_large(None))
}

/// Standard input (`iam-lint check -`), with the limit a file has.
pub(crate) fn read_stdin(stdin: &mut dyn Read, limit: u64) -> Result<Vec<u8>, String> {
    match read_at_most(stdin, 0, limit) {
        Ok(Some(bytes)) => Ok(bytes),
        Ok(None) => Err(format!("standard input is over {}", limit_text(limit))),
        Err(err) => Err(format!("cannot read standard input: {}", io_reason(&err))),
    }
}

/// What `reader` holds, or `None` when that is more than `limit` bytes.
fn read_at_most(reader: impl Read, expected: usize, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::with_capacity(expected);
    // One byte over the limit says there is more, without reading it.
    reader.take(limit + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}

fn limit_text(limit: u64) -> String {
    format!("the {} MiB limit", limit / (1024 * 1024))
}
