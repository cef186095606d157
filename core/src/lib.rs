//! US trade in Advanced Technology Products (ATP): the domain (groups,
//! partners, periods, flows, observations with provenance), the built-in
//! dataset of the KIAT policy brief 2026-04, its data-quality report, and the
//! analytics (balances, growth, shares, concentration).
//!
//! This crate knows nothing of HTTP or SQL.

pub mod analytics;
pub mod builtin;
pub mod catalog;
pub mod dataset;
pub mod decomposition;
pub mod error;
pub mod flow;
pub mod forecast;
pub mod group;
pub mod membership;
pub mod observation;
pub mod partner;
pub mod period;
pub mod quality;
pub mod scenario;
pub mod year;

pub use catalog::{ExtraPartner, NewDataset, SourceFormat, StoredDataset};
pub use dataset::{Claim, ClaimKind, Dataset, DatasetError, DatasetInfo, MultipleReading};
pub use error::InvalidValue;
pub use flow::{Flow, Measure};
pub use group::{Group, GroupId, GroupInfo, GroupKind};
pub use observation::{Citation, Derivation, Observation, Provenance, SeriesKey, Status};
pub use partner::{Partner, PartnerCode, PartnerKind};
pub use period::{Frequency, Period};
pub use year::{Year, YearRange};
