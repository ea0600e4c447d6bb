//! Confluent's wire format: a zero magic byte, the schema id as a 4-byte big-endian integer,
//! then the payload.

/// The first byte of every framed message.
pub const MAGIC_BYTE: u8 = 0;

/// Bytes that are not a framed message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WireError {
    /// Fewer than the 5 bytes of the header.
    #[error("message too short for the wire format: {0} bytes, at least 5 needed (magic byte and schema id)")]
    Truncated(usize),
    /// The first byte is not 0.
    #[error("wrong magic byte {0:#04x}: the message is not in the Confluent wire format (expected 0x00)")]
    WrongMagicByte(u8),
}

/// Prefixes a payload with the magic byte and the schema id.
pub fn frame(schema_id: u32, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(5 + payload.len());
    write_header(&mut out, schema_id);
    out.extend_from_slice(payload);
    out
}

/// Writes the 5-byte header into `out`.
pub fn write_header(out: &mut Vec<u8>, schema_id: u32) {
    out.push(MAGIC_BYTE);
    out.extend_from_slice(&schema_id.to_be_bytes());
}

/// Splits a framed message into its schema id and payload.
///
/// # Errors
/// Messages shorter than 5 bytes, or not starting with the magic byte.
pub fn unframe(message: &[u8]) -> Result<(u32, &[u8]), WireError> {
    if message.len() < 5 {
        return Err(WireError::Truncated(message.len()));
    }
    if message[0] != MAGIC_BYTE {
        return Err(WireError::WrongMagicByte(message[0]));
    }
    let id = u32::from_be_bytes([message[1], message[2], message[3], message[4]]);
    Ok((id, &message[5..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_bad_bytes_are_typed_errors() {
        let framed = frame(258, b"abc");
        assert_eq!(framed, [0, 0, 0, 1, 2, b'a', b'b', b'c']);
        assert_eq!(unframe(&framed), Ok((258, &b"abc"[..])));
        assert_eq!(unframe(&[0, 0, 1]), Err(WireError::Truncated(3)));
        assert_eq!(unframe(&[1, 0, 0, 0, 1]), Err(WireError::WrongMagicByte(1)));
        assert_eq!(unframe(&[0, 0, 0, 0, 7]), Ok((7, &b""[..])));
    }
}
