package wasm

// Encode writes the module back in the binary format. The type, import,
// global, export, start and code sections are rebuilt from m.Types,
// m.Imports, m.Globals, m.Exports, m.Start and m.Bodies; every other section
// is copied from m.Sections byte for byte (a caller may replace a
// section's Data), custom sections included and in their original places.
func (m *Module) Encode() []byte {
	rebuilt := map[byte][]byte{}
	if len(m.Types) > 0 || m.hasSection(SecType) {
		rebuilt[SecType] = m.encodeTypes()
	}
	if len(m.Imports) > 0 || m.hasSection(SecImport) {
		rebuilt[SecImport] = m.encodeImports()
	}
	if m.Start != nil {
		rebuilt[SecStart] = AppendU32(nil, *m.Start)
	}
	if len(m.Globals) > 0 || m.hasSection(SecGlobal) {
		rebuilt[SecGlobal] = m.encodeGlobals()
	}
	if len(m.Exports) > 0 || m.hasSection(SecExport) {
		rebuilt[SecExport] = m.encodeExports()
	}
	if len(m.Bodies) > 0 || m.hasSection(SecCode) {
		rebuilt[SecCode] = m.encodeBodies()
	}

	size := 8
	for _, s := range m.Sections {
		size += len(s.Data) + 6
	}
	for _, d := range rebuilt {
		size += len(d) + 6
	}
	out := make([]byte, 0, size)
	out = append(out, magic...)
	emit := func(id byte, data []byte) {
		out = append(out, id)
		out = AppendU32(out, uint32(len(data)))
		out = append(out, data...)
	}
	// flush emits rebuilt sections that belong before a section of the
	// given order and were absent from the input.
	flush := func(before int) {
		for _, id := range []byte{SecType, SecImport, SecGlobal, SecExport, SecStart, SecCode} {
			if d, ok := rebuilt[id]; ok && sectionOrder[id] < before {
				emit(id, d)
				delete(rebuilt, id)
			}
		}
	}
	for _, s := range m.Sections {
		if s.ID == SecCustom {
			out = append(out, s.ID)
			out = AppendU32(out, uint32(len(s.Data)))
			out = append(out, s.Data...)
			continue
		}
		flush(sectionOrder[s.ID])
		if d, ok := rebuilt[s.ID]; ok {
			emit(s.ID, d)
			delete(rebuilt, s.ID)
			continue
		}
		emit(s.ID, s.Data)
	}
	flush(len(sectionOrder) + 1)
	return out
}

func appendValTypes(b []byte, ts []ValType) []byte {
	b = AppendU32(b, uint32(len(ts)))
	for _, t := range ts {
		b = append(b, byte(t))
	}
	return b
}

func (m *Module) encodeTypes() []byte {
	b := AppendU32(nil, uint32(len(m.Types)))
	for _, t := range m.Types {
		b = append(b, 0x60)
		b = appendValTypes(b, t.Params)
		b = appendValTypes(b, t.Results)
	}
	return b
}

func appendLimits(b []byte, l Limits) []byte {
	if l.HasMax {
		b = append(b, 1)
		b = AppendU32(b, l.Min)
		return AppendU32(b, l.Max)
	}
	b = append(b, 0)
	return AppendU32(b, l.Min)
}

func appendGlobalType(b []byte, g GlobalType) []byte {
	b = append(b, byte(g.Type))
	if g.Mutable {
		return append(b, 1)
	}
	return append(b, 0)
}

func (m *Module) encodeImports() []byte {
	b := AppendU32(nil, uint32(len(m.Imports)))
	for _, im := range m.Imports {
		b = AppendName(b, im.Module)
		b = AppendName(b, im.Name)
		b = append(b, im.Kind)
		switch im.Kind {
		case ExternFunc:
			b = AppendU32(b, im.Type)
		case ExternTable:
			b = append(b, byte(im.Table.Elem))
			b = appendLimits(b, im.Table.Limits)
		case ExternMemory:
			b = appendLimits(b, im.Memory)
		case ExternGlobal:
			b = appendGlobalType(b, im.Global)
		}
	}
	return b
}

func (m *Module) encodeGlobals() []byte {
	b := AppendU32(nil, uint32(len(m.Globals)))
	for _, g := range m.Globals {
		b = appendGlobalType(b, g.GlobalType)
		b = append(b, g.Init...)
	}
	return b
}

func (m *Module) encodeExports() []byte {
	b := AppendU32(nil, uint32(len(m.Exports)))
	for _, e := range m.Exports {
		b = AppendName(b, e.Name)
		b = append(b, e.Kind)
		b = AppendU32(b, e.Index)
	}
	return b
}

func (m *Module) encodeBodies() []byte {
	n := 5
	for _, body := range m.Bodies {
		n += len(body.Code) + 5 + 6*len(body.Locals)
	}
	b := make([]byte, 0, n)
	b = AppendU32(b, uint32(len(m.Bodies)))
	var fn []byte
	for _, body := range m.Bodies {
		fn = AppendU32(fn[:0], uint32(len(body.Locals)))
		for _, g := range body.Locals {
			fn = AppendU32(fn, g.Count)
			fn = append(fn, byte(g.Type))
		}
		b = AppendU32(b, uint32(len(fn)+len(body.Code)))
		b = append(b, fn...)
		b = append(b, body.Code...)
	}
	return b
}

func (m *Module) hasSection(id byte) bool {
	for _, s := range m.Sections {
		if s.ID == id {
			return true
		}
	}
	return false
}
