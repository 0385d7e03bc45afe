package pss

import (
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// A pod with several violations, fields of containers and of the pod, and a
// name: every part of the flat layout is used.
var deniedPod = []byte(`{"metadata": {"name": "web"}, "spec": {"hostNetwork": true, "containers": [
	{"name": "a", "image": "nginx", "securityContext": {"privileged": true, "capabilities": {"add": ["NET_ADMIN", "SYS_TIME"]}}},
	{"name": "b", "image": "envoy", "securityContext": {"runAsUser": 0}}]}}`)

var restrictedLatest = LevelVersion{Level: Restricted, Version: Latest}

// flatOf gives the flat evaluation of the pod in a buffer of its own.
func flatOf(t *testing.T, pod []byte) []byte {
	t.Helper()
	buf, err := evaluateFlat(newFlatBuffer(flatBufferSize), pod, restrictedLatest, entryPod, nil)
	if err != nil {
		t.Fatal(err)
	}
	return buf
}

// aligned copies b into a new buffer aligned as the C library's records need.
func aligned(b []byte) []byte {
	out := newFlatBuffer(len(b)).bytes()[:len(b)]
	copy(out, b)
	return out
}

func TestFlatLayoutAsDocumented(t *testing.T) {
	// The sizes the header documents for layout version 1.
	if flatHeaderSize != 104 || flatViolationSize != 32 || flatFieldSize != 24 {
		t.Fatalf("record sizes %d, %d, %d", flatHeaderSize, flatViolationSize, flatFieldSize)
	}
	buf := flatOf(t, deniedPod)
	word := func(at int) int { return int(binary.NativeEndian.Uint32(buf[at:])) }
	if string(buf[:4]) != "PSSE" && string(buf[:4]) != "ESSP" || word(4) != 1 || word(8) != len(buf) {
		t.Fatalf("header %q, version %d, size %d of %d", buf[:4], word(4), word(8), len(buf))
	}
	// The pod name is the span at byte 32 (after magic, version, size, flags,
	// kind and template_path).
	if at, n := word(32), word(36); string(buf[at:at+n]) != "web" {
		t.Fatalf("pod_name span %d+%d: %q", at, n, buf[at:at+n])
	}
	got, err := decodeFlat(buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Violations) != word(76) || got.Violations[0].Check != "hostNamespaces" {
		t.Fatalf("%d violations (header: %d): %+v", len(got.Violations), word(76), got.Violations)
	}
}

func TestFlatDecode(t *testing.T) {
	buf := flatOf(t, deniedPod)
	got, err := decodeFlat(buf)
	if err != nil {
		t.Fatal(err)
	}
	if got.Allowed || got.PodName != "web" || got.Kind != "Pod" ||
		!strings.HasPrefix(got.Message, `pods "web" is forbidden: violates PodSecurity "restricted:latest": `) ||
		!strings.HasSuffix(got.Message, got.Detail) {
		t.Fatalf("%+v", got)
	}
	// Values are capped: appending to one leaves the next one alone.
	var values []*Field
	for i := range got.Violations {
		for j := range got.Violations[i].Fields {
			values = append(values, &got.Violations[i].Fields[j])
		}
	}
	if len(values) < 2 {
		t.Fatalf("fields: %+v", got.Violations)
	}
	second := string(values[1].Value)
	_ = append(values[0].Value, "xxxxxxxx"...)
	if string(values[1].Value) != second {
		t.Fatalf("appending to a value changed the next one: %q", values[1].Value)
	}
	// Through a buffer too small: the package grows it and gets the same.
	small := newFlatBuffer(8)
	again, err := evaluateFlat(small, deniedPod, restrictedLatest, entryPod, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(small.words)*8 < len(again) {
		t.Fatalf("the buffer kept is %d bytes, the result %d", len(small.words)*8, len(again))
	}
	if r, err := decodeFlat(again); err != nil || !reflect.DeepEqual(r, got) {
		t.Fatalf("through a small buffer: %+v, %v", r, err)
	}
}

// isFlatError reports whether err is the error of an unreadable flat
// evaluation.
func isFlatError(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == CodePanic && strings.Contains(e.Message, "unreadable flat evaluation")
}

func TestFlatCorruptIsAnError(t *testing.T) {
	good := flatOf(t, deniedPod)
	want, err := decodeFlat(good)
	if err != nil {
		t.Fatal(err)
	}
	// Another layout version, another magic.
	for _, at := range []int{0, 4} {
		b := aligned(good)
		binary.NativeEndian.PutUint32(b[at:], binary.NativeEndian.Uint32(b[at:])+1)
		if _, err := decodeFlat(b); !isFlatError(err) {
			t.Fatalf("word %d changed: %v", at, err)
		}
	}
	b := aligned(good)
	binary.NativeEndian.PutUint32(b[4:], 2)
	if _, err := decodeFlat(b); !isFlatError(err) || !strings.Contains(err.Error(), "layout version 2") {
		t.Fatalf("version 2: %v", err)
	}
	// Every prefix, and the buffer one byte off its alignment.
	for n := range len(good) {
		if _, err := decodeFlat(aligned(good[:n])); !isFlatError(err) {
			t.Fatalf("%d of %d bytes: %v", n, len(good), err)
		}
	}
	off := newFlatBuffer(len(good) + 8).bytes()[1 : len(good)+1]
	copy(off, good)
	if _, err := decodeFlat(off); !isFlatError(err) {
		t.Fatalf("misaligned: %v", err)
	}
	// Every word of the records set to values that break it: an error or a
	// result (a span moved inside the texts), never a panic.
	records := int(binary.NativeEndian.Uint32(good[88:])) // texts.offset: the records end there
	for at := 0; at < records; at += 4 {
		for _, v := range []uint32{0, 1, 3, 0x7fffffff, 0xffffffff, uint32(len(good)), uint32(len(good) - 1),
			binary.NativeEndian.Uint32(good[at:]) + 1, binary.NativeEndian.Uint32(good[at:]) - 1} {
			b := aligned(good)
			binary.NativeEndian.PutUint32(b[at:], v)
			if _, err := decodeFlat(b); err != nil && !isFlatError(err) {
				t.Fatalf("word %d = %d: %v", at, v, err)
			}
		}
	}
	// The layout's own numbers (size, violations, the counts, fields, texts
	// and values) are all checked; so is every span and every violation's
	// fields.
	for _, at := range []int{8, 72, 76, 80, 84, 88, 92, 96, 100} {
		b := aligned(good)
		binary.NativeEndian.PutUint32(b[at:], binary.NativeEndian.Uint32(b[at:])+8)
		if _, err := decodeFlat(b); !isFlatError(err) {
			t.Fatalf("header word %d moved: %v", at, err)
		}
	}
	// Every present span moved to the end of the buffer.
	word := func(at int) int { return int(binary.NativeEndian.Uint32(good[at:])) }
	var spans []int
	for at := 16; at <= 64; at += 8 {
		spans = append(spans, at)
	}
	for i := range word(76) {
		spans = append(spans, word(72)+32*i, word(72)+32*i+8, word(72)+32*i+16)
	}
	for i := range word(84) {
		spans = append(spans, word(80)+24*i, word(80)+24*i+8, word(80)+24*i+16)
	}
	for _, at := range spans {
		if word(at+4) == 0 {
			continue
		}
		b := aligned(good)
		binary.NativeEndian.PutUint32(b[at:], uint32(len(good)))
		if _, err := decodeFlat(b); !isFlatError(err) {
			t.Fatalf("span at %d moved to the end: %v", at, err)
		}
	}
	if v := want.Violations[1]; len(v.Fields) == 0 {
		t.Fatalf("%+v", v)
	}
	b = aligned(good)
	second := 104 + 32 // the second violation's record
	binary.NativeEndian.PutUint32(b[second+24:], binary.NativeEndian.Uint32(b[second+24:])+1)
	if _, err := decodeFlat(b); !isFlatError(err) {
		t.Fatalf("the second violation's first field moved: %v", err)
	}
}

// BenchmarkDecodeFlat is the Go side of an evaluation alone: checking and
// copying out a denied pod's flat evaluation (no cgo call).
func BenchmarkDecodeFlat(b *testing.B) {
	buf, err := evaluateFlat(newFlatBuffer(flatBufferSize), deniedPod, restrictedLatest, entryPod, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeFlat(buf); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEvaluateFlat is the cgo call alone for the same pod: evaluating
// and writing the flat evaluation into a reused buffer (no decoding).
func BenchmarkEvaluateFlat(b *testing.B) {
	fb := newFlatBuffer(flatBufferSize)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := evaluateFlat(fb, deniedPod, restrictedLatest, entryPod, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// A result larger than the pooled buffer (flatBufferSize) and than the C
// library's own first buffer: Evaluate gets it whole, as decoding it from a
// buffer of its size gives it.
func TestFlatLargerThanThePooledBuffer(t *testing.T) {
	var containers []string
	for i := range 120 {
		containers = append(containers, fmt.Sprintf(`{"name": "container-%d", "image": "img", "securityContext":
			{"privileged": true, "runAsUser": 0, "capabilities": {"add": ["NET_ADMIN", "SYS_TIME"]}}}`, i))
	}
	pod := []byte(`{"metadata": {"name": "big"}, "spec": {"hostNetwork": true, "containers": [` +
		strings.Join(containers, ",") + `]}}`)
	got, err := Evaluate(pod, restrictedLatest)
	if err != nil {
		t.Fatal(err)
	}
	buf, err := evaluateFlat(newFlatBuffer(1<<20), pod, restrictedLatest, entryPod, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(buf) <= flatBufferSize {
		t.Fatalf("the result is %d bytes, within the pooled buffer's %d", len(buf), flatBufferSize)
	}
	want, err := decodeFlat(buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("through the pooled buffer: %+v\nwant %+v", got, want)
	}
	fields := 0
	for _, v := range got.Violations {
		fields += len(v.Fields)
	}
	if got.Allowed || fields < 4*120 || got.Violations[0].Fields[0].Path != "spec.hostNetwork" {
		t.Fatalf("%d violations, %d fields: %+v", len(got.Violations), fields, got.Violations[0])
	}
}
