package main

import (
	"bufio"
	"io"
	"strings"
)

// event is one server-sent event.
type event struct {
	Type string // the "event" field; "message" if absent
	Data string // the "data" lines, joined by newlines
	ID   string
}

// maxEventLine bounds one line of the stream; a task is a few hundred
// bytes.
const maxEventLine = 1 << 20

// readEvents parses a text/event-stream (the WHATWG server-sent events
// format) and calls fn for each complete event, until r ends or fails.
// Comment lines (starting with ':') are skipped; an event is dispatched at
// a blank line, so an event cut off by the end of the stream is dropped;
// "retry" and unknown fields are ignored. At the end of r it returns nil,
// or the read error.
func readEvents(r io.Reader, fn func(event)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), maxEventLine)
	var ev event
	var data []string
	first := true
	for sc.Scan() {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if first {
			line = strings.TrimPrefix(line, "\ufeff")
			first = false
		}
		if line == "" {
			if data != nil {
				ev.Data = strings.Join(data, "\n")
				if ev.Type == "" {
					ev.Type = "message"
				}
				fn(ev)
			}
			ev, data = event{}, nil
			continue
		}
		if strings.HasPrefix(line, ":") {
			continue
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "event":
			ev.Type = value
		case "data":
			data = append(data, value)
		case "id":
			ev.ID = value
		}
	}
	return sc.Err()
}
