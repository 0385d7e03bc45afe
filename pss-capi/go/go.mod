module github.com/pss-rs/pss/pss-capi/go

go 1.24
