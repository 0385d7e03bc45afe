//! The JSON way in: a fast decoder that reads only what the checks need.

pub(crate) mod pod;
pub(crate) mod reader;
