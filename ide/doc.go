// Package ide is the PC's ATA/IDE controller: two channels (primary at
// 1F0h-1F7h + 3F6h/3F7h on IRQ 14, secondary at 170h-177h + 376h/377h on
// IRQ 15), each with a master (device 0) and a slave (device 1).
//
// Each device owns the task-file registers the ATA standards describe
// (ATA-2 X3T10/0948D and ATA/ATAPI-6 T13/1410D, "Register descriptions"),
// runs the PIO data-in, PIO data-out and non-data command protocols, and
// serves sectors from a Drive, an interface of this package (package disk
// opens images as drives). It imports nothing of the project.
//
// The controller is synchronous: a command has done its work by the time
// the write to the Command register returns, so BSY is never seen set
// except while SRST is held. Data moves word by word through the Data
// register (In16/Out16) or a whole DRQ block at a time through InsBulk and
// OutsBulk, the path REP INSW/REP OUTSW take (cpu.BulkPortIO).
//
// Everything runs on the caller's goroutine; a Controller is not safe for
// concurrent use.
package ide
