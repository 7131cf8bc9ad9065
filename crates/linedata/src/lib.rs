//! Line data (work in progress).
