package server

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// writeXLSX writes tables as the sheets of one workbook: a bold, frozen
// header row, numbers as numbers (with two decimals shown, the full value
// kept), empty cells for what is not shown, and columns wide enough for
// their text. A text cell is always text, so a department name or a note
// that starts with "=" is never run as a formula.
func writeXLSX(tables ...table) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, fmt.Errorf("server: xlsx style: %w", err)
	}
	decimals, err := f.NewStyle(&excelize.Style{NumFmt: 2}) // 0.00
	if err != nil {
		return nil, fmt.Errorf("server: xlsx style: %w", err)
	}
	for i, t := range tables {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", t.name); err != nil {
				return nil, fmt.Errorf("server: xlsx sheet %s: %w", t.name, err)
			}
		} else if _, err := f.NewSheet(t.name); err != nil {
			return nil, fmt.Errorf("server: xlsx sheet %s: %w", t.name, err)
		}
		if err := writeSheet(f, t, bold, decimals); err != nil {
			return nil, fmt.Errorf("server: xlsx sheet %s: %w", t.name, err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, fmt.Errorf("server: xlsx: %w", err)
	}
	return buf.Bytes(), nil
}

func writeSheet(f *excelize.File, t table, bold, decimals int) error {
	sw, err := f.NewStreamWriter(t.name)
	if err != nil {
		return err
	}
	widths := make([]int, len(t.header))
	header := make([]any, len(t.header))
	for i, h := range t.header {
		header[i] = excelize.Cell{StyleID: bold, Value: h}
		widths[i] = utf8.RuneCountInString(h)
	}
	for _, row := range t.rows {
		for i, x := range row {
			if i < len(widths) {
				widths[i] = max(widths[i], cellWidth(x))
			}
		}
	}
	for i, w := range widths {
		if err := sw.SetColWidth(i+1, i+1, float64(min(w, 60)+2)); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	for r, row := range t.rows {
		cells := make([]any, len(row))
		for i, x := range row {
			switch x := x.(type) {
			case float64:
				cells[i] = excelize.Cell{StyleID: decimals, Value: x}
			case string:
				// Stored as a shared string, never as a formula.
				cells[i] = excelize.Cell{Value: x}
			default:
				cells[i] = x
			}
		}
		addr, err := excelize.CoordinatesToCellName(1, r+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(addr, cells); err != nil {
			return err
		}
	}
	return sw.Flush()
}

func cellWidth(x any) int {
	switch x := x.(type) {
	case nil:
		return 0
	case string:
		return utf8.RuneCountInString(x)
	case float64:
		return 6
	}
	return len(fmt.Sprint(x))
}
