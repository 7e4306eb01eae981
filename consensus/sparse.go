package consensus

// The vector and sparse-matrix operations of subtensor's epoch/math.rs, in
// float64. Two rules make every result the same on every architecture:
//
//  1. Every product that is then added is converted with float64(...).
//     The Go specification lets a compiler fuse x*y+z into one fused
//     multiply-add (arm64, ppc64le, s390x and riscv64 do), which rounds
//     once instead of twice; an explicit conversion forces the rounding.
//     TestNoFusedMultiplyAdd checks the compiled code for those targets.
//  2. Sums run in uid order, row by row, exactly as below; no map
//     iteration, no parallel reduction.
//
// A cell is absent from a sparse row or present with a value > 0; the
// functions that can produce zeros drop them, as subtensor's do.

// sum adds x in index order.
func sum(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	return s
}

// normalize divides x by its sum in place, unless the sum is zero.
func normalize(x []float64) {
	s := sum(x)
	if s == 0 {
		return
	}
	for i := range x {
		x[i] /= s
	}
}

// rowNormalize makes each non-empty row of m sum to 1.
func rowNormalize(m Matrix) {
	for _, row := range m {
		var s float64
		for _, e := range row {
			s += e.Value
		}
		if s > 0 {
			for k := range row {
				row[k].Value /= s
			}
		}
	}
}

// colNormalize makes each non-zero column of m sum to 1.
func colNormalize(m Matrix, n int) {
	colSum := make([]float64, n)
	for _, row := range m {
		for _, e := range row {
			colSum[e.UID] += e.Value
		}
	}
	for _, row := range m {
		for k, e := range row {
			if s := colSum[e.UID]; s != 0 {
				row[k].Value = e.Value / s
			}
		}
	}
}

// colMaxUpscale divides each column of m by its largest value.
func colMaxUpscale(m Matrix, n int) {
	colMax := make([]float64, n)
	for _, row := range m {
		for _, e := range row {
			colMax[e.UID] = max(colMax[e.UID], e.Value)
		}
	}
	for _, row := range m {
		for k, e := range row {
			if c := colMax[e.UID]; c != 0 {
				row[k].Value = e.Value / c
			}
		}
	}
}

// matmul returns r_j = Σ_i s_i·m_ij (subtensor's matmul_sparse).
func matmul(m Matrix, s []float64, n int) []float64 {
	r := make([]float64, n)
	for i, row := range m {
		for _, e := range row {
			r[e.UID] += float64(s[i] * e.Value)
		}
	}
	return r
}

// matmulTranspose returns d_i = Σ_j m_ij·v_j (matmul_transpose_sparse).
func matmulTranspose(m Matrix, v []float64) []float64 {
	d := make([]float64, len(m))
	for i, row := range m {
		for _, e := range row {
			d[i] += float64(v[e.UID] * e.Value)
		}
	}
	return d
}

// rowSum returns Σ_j m_ij for each row.
func rowSum(m Matrix) []float64 {
	out := make([]float64, len(m))
	for i, row := range m {
		for _, e := range row {
			out[i] += e.Value
		}
	}
	return out
}

// colClip returns m with each cell capped at its column's threshold. A
// cell above a zero threshold disappears (col_clip_sparse).
func colClip(m Matrix, threshold []float64) Matrix {
	out := allocRows(len(m), func(i int) int { return len(m[i]) })
	for i, row := range m {
		r := out[i]
		for _, e := range row {
			switch t := threshold[e.UID]; {
			case e.Value <= t:
				r = append(r, e)
			case t > 0:
				r = append(r, Entry{e.UID, t})
			}
		}
		out[i] = r
	}
	return out
}

// interpolate returns a + ratio·(b − a) cell by cell, keeping cells > 0
// (interpolate_sparse). a and b have the same rows. For a ratio of 0 or 1
// it returns a or b itself, so callers must not modify the result.
func interpolate(a, b Matrix, ratio float64) Matrix {
	switch ratio {
	case 0:
		return a
	case 1:
		return b
	}
	return combine(a, b, func(_ uint32, x, y float64) float64 { return x + float64(ratio*(y-x)) })
}

// rowHadamard returns m_ij·s_i (row_hadamard_sparse).
func rowHadamard(m Matrix, s []float64) Matrix {
	out := allocRows(len(m), func(i int) int { return len(m[i]) })
	for i, row := range m {
		for _, e := range row {
			out[i] = append(out[i], Entry{e.UID, e.Value * s[i]})
		}
	}
	return out
}

// ema returns α·next + (1−α)·prev cell by cell, keeping cells > 0
// (mat_ema_sparse).
func ema(next, prev Matrix, alpha float64) Matrix {
	keep := 1 - alpha
	return combine(next, prev, func(_ uint32, x, y float64) float64 { return float64(alpha*x) + float64(keep*y) })
}

// combine returns f(uid, a_ij, b_ij) for every cell present in a or b,
// keeping the cells > 0: the shape of every element-wise operation on two
// sparse matrices here. a and b have the same rows.
func combine(a, b Matrix, f func(uid uint32, x, y float64) float64) Matrix {
	out := allocRows(len(a), func(i int) int { return unionLen(a[i], b[i]) })
	for i := range a {
		r := out[i]
		mergeRows(a[i], b[i], func(uid uint32, x, y float64) {
			if v := f(uid, x, y); v > 0 {
				r = append(r, Entry{uid, v})
			}
		})
		out[i] = r
	}
	return out
}

// mergeRows calls f for every uid present in a or b, in uid order, with
// the missing side as 0. Both rows are sorted by uid.
func mergeRows(a, b []Entry, f func(uid uint32, x, y float64)) {
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && a[i].UID < b[j].UID):
			f(a[i].UID, a[i].Value, 0)
			i++
		case i == len(a) || b[j].UID < a[i].UID:
			f(b[j].UID, 0, b[j].Value)
			j++
		default:
			f(a[i].UID, a[i].Value, b[j].Value)
			i++
			j++
		}
	}
}

// unionLen returns how many uids appear in a or b.
func unionLen(a, b []Entry) int {
	n := 0
	mergeRows(a, b, func(uint32, float64, float64) { n++ })
	return n
}

// allocRows returns n empty rows, row i with room for size(i) cells, all
// carved from one array: one allocation per matrix instead of one per row.
func allocRows(n int, size func(i int) int) Matrix {
	total := 0
	for i := range n {
		total += size(i)
	}
	buf := make([]Entry, total)
	out := make(Matrix, n)
	for i := range n {
		if k := size(i); k > 0 {
			out[i] = buf[:0:k]
			buf = buf[k:]
		}
	}
	return out
}

func cloneMatrix(m Matrix) Matrix {
	out := allocRows(len(m), func(i int) int { return len(m[i]) })
	for i, row := range m {
		out[i] = append(out[i], row...)
	}
	return out
}
