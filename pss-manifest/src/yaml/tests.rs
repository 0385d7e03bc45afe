//! Unit tests of the YAML reading: the cases go_yaml.rs and yaml_json.rs held, as kubectl reads them.
