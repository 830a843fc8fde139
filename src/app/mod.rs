//! What the user asked for: the command line, each command, the config file, baselines and
//! template parameters. The top layer: nothing below imports it.

pub(crate) mod baseline;
pub(crate) mod cli;
pub(crate) mod commands;
pub(crate) mod config;
pub(crate) mod parameters;
