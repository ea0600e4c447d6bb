//! tidings-kafka (skeleton)
