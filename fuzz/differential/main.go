// Command sigsyaml reads JSON lines {"text": ...} on standard input and writes, for each, what
// sigs.k8s.io/yaml's YAMLToJSON (kubectl's and the API server's YAML reader) makes of the text:
// {"json": ...} or {"error": "..."}. See README.md.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"

	"sigs.k8s.io/yaml"
)

type document struct {
	Text string `json:"text"`
}

type result struct {
	JSON  json.RawMessage `json:"json,omitempty"`
	Error string          `json:"error,omitempty"`
}

func convert(text string) (r result) {
	defer func() {
		if p := recover(); p != nil {
			r = result{Error: fmt.Sprintf("panic: %v", p)}
		}
	}()
	out, err := yaml.YAMLToJSON([]byte(text))
	if err != nil {
		return result{Error: err.Error()}
	}
	return result{JSON: out}
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 256<<20)
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	for in.Scan() {
		var d document
		if err := json.Unmarshal(in.Bytes(), &d); err != nil {
			fmt.Fprintln(os.Stderr, "sigsyaml:", err)
			os.Exit(1)
		}
		if err := enc.Encode(convert(d.Text)); err != nil {
			fmt.Fprintln(os.Stderr, "sigsyaml:", err)
			os.Exit(1)
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "sigsyaml:", err)
		os.Exit(1)
	}
}
