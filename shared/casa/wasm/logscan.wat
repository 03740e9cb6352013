;; SIMD kernel of the CASA log scan (see ../logscan.ts): counts newlines and finds the
;; starts of "SEVERE" and "Task:" in one pass, 64 bytes at a time. Compiled to
;; logscan-wasm.ts by build/compile-wasm.ts; the source here is the truth.
;;
;; scan(start, end, out, maxHits) -> hits
;;   Scans bytes [start, end) of memory. For each needle start found, writes two i32 at out:
;;   the byte position, and the number of newlines in [start, position). Stops early before a
;;   block that might overflow maxHits; $next is where to resume, $newlines counts [start, $next).
;;   The caller keeps at least 128 zero bytes after end (blocks and needle checks read past it).
(module
  (memory (export "memory") 1)
  (global $next (export "next") (mut i32) (i32.const 0))
  (global $newlines (export "newlines") (mut i32) (i32.const 0))

  ;; Sum of the 16 unsigned byte lanes of $acc.
  (func $sumBytes (param $acc v128) (result i32)
    (local $w v128)
    (local.set $w (i32x4.extadd_pairwise_i16x8_u (i16x8.extadd_pairwise_i8x16_u (local.get $acc))))
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $w)) (i32x4.extract_lane 1 (local.get $w)))
      (i32.add (i32x4.extract_lane 2 (local.get $w)) (i32x4.extract_lane 3 (local.get $w)))))

  ;; 1 when a needle starts at $p.
  (func $isNeedle (param $p i32) (result i32)
    (i32.or
      (i32.and
        (i32.eq (i32.load align=1 (local.get $p)) (i32.const 0x45564553))            ;; "SEVE"
        (i32.eq (i32.load16_u offset=4 align=1 (local.get $p)) (i32.const 0x4552)))  ;; "RE"
      (i32.and
        (i32.eq (i32.load align=1 (local.get $p)) (i32.const 0x6b736154))            ;; "Task"
        (i32.eq (i32.load8_u offset=4 (local.get $p)) (i32.const 0x3a)))))           ;; ":"

  ;; Processes 64 bytes per iteration: the candidate pairs "SE" and "Ta" (v: bytes at i, the
  ;; load at offset+1: the next byte) are OR-ed over four 16-byte vectors, so the common case
  ;; (no candidate) costs one branch per 64 bytes.
  (func (export "scan") (param $start i32) (param $end i32) (param $out i32) (param $maxHits i32) (result i32)
    (local $i i32) (local $k i32) (local $p i32) (local $hits i32) (local $total i32) (local $n i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128) (local $acc v128) (local $rounds i32)
    ;; Splatted constants, kept in registers (V8 does not inline small wasm functions here).
    (local $S v128) (local $E v128) (local $T v128) (local $a v128) (local $NL v128)
    (local.set $S (i8x16.splat (i32.const 0x53)))  ;; 'S'
    (local.set $E (i8x16.splat (i32.const 0x45)))  ;; 'E'
    (local.set $T (i8x16.splat (i32.const 0x54)))  ;; 'T'
    (local.set $a (i8x16.splat (i32.const 0x61)))  ;; 'a'
    (local.set $NL (i8x16.splat (i32.const 10)))
    (local.set $i (local.get $start))
    (block $done
      (loop $blockLoop
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $v0 (v128.load align=1 (local.get $i)))
        (local.set $v1 (v128.load offset=16 align=1 (local.get $i)))
        (local.set $v2 (v128.load offset=32 align=1 (local.get $i)))
        (local.set $v3 (v128.load offset=48 align=1 (local.get $i)))
        ;; Candidate pairs "SE" or "Ta" are rare in CASA logs, so the scalar check below is rare.
        (if (v128.any_true
              (v128.or
                (v128.or
                  (v128.or
                    (v128.and (i8x16.eq (local.get $v0) (local.get $S)) (i8x16.eq (v128.load offset=1 align=1 (local.get $i)) (local.get $E)))
                    (v128.and (i8x16.eq (local.get $v0) (local.get $T)) (i8x16.eq (v128.load offset=1 align=1 (local.get $i)) (local.get $a))))
                  (v128.or
                    (v128.and (i8x16.eq (local.get $v1) (local.get $S)) (i8x16.eq (v128.load offset=17 align=1 (local.get $i)) (local.get $E)))
                    (v128.and (i8x16.eq (local.get $v1) (local.get $T)) (i8x16.eq (v128.load offset=17 align=1 (local.get $i)) (local.get $a)))))
                (v128.or
                  (v128.or
                    (v128.and (i8x16.eq (local.get $v2) (local.get $S)) (i8x16.eq (v128.load offset=33 align=1 (local.get $i)) (local.get $E)))
                    (v128.and (i8x16.eq (local.get $v2) (local.get $T)) (i8x16.eq (v128.load offset=33 align=1 (local.get $i)) (local.get $a))))
                  (v128.or
                    (v128.and (i8x16.eq (local.get $v3) (local.get $S)) (i8x16.eq (v128.load offset=49 align=1 (local.get $i)) (local.get $E)))
                    (v128.and (i8x16.eq (local.get $v3) (local.get $T)) (i8x16.eq (v128.load offset=49 align=1 (local.get $i)) (local.get $a)))))))
          (then
            ;; Bring the newline total up to the start of this block.
            (local.set $total (i32.add (local.get $total) (call $sumBytes (local.get $acc))))
            (local.set $acc (v128.const i64x2 0 0))
            (local.set $rounds (i32.const 0))
            ;; No room for a whole block of hits: stop before it, so no hit is reported twice.
            (if (i32.gt_u (i32.add (local.get $hits) (i32.const 64)) (local.get $maxHits))
              (then
                (global.set $next (local.get $i))
                (global.set $newlines (local.get $total))
                (return (local.get $hits))))
            (local.set $k (i32.const 0))
            (local.set $n (i32.const 0)) ;; newlines in [i, i+k)
            (loop $lanes
              (local.set $p (i32.add (local.get $i) (local.get $k)))
              (if (i32.and (i32.lt_u (local.get $p) (local.get $end)) (call $isNeedle (local.get $p)))
                (then
                  (i32.store (i32.add (local.get $out) (i32.shl (local.get $hits) (i32.const 3))) (local.get $p))
                  (i32.store offset=4 (i32.add (local.get $out) (i32.shl (local.get $hits) (i32.const 3))) (i32.add (local.get $total) (local.get $n)))
                  (local.set $hits (i32.add (local.get $hits) (i32.const 1)))))
              (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 10))
                (then (local.set $n (i32.add (local.get $n) (i32.const 1)))))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br_if $lanes (i32.lt_u (local.get $k) (i32.const 64))))))
        ;; Count this block's newlines (bytes at or past $end are zero padding, never 10).
        (local.set $acc
          (i8x16.sub
            (i8x16.sub (local.get $acc) (i8x16.add (i8x16.eq (local.get $v0) (local.get $NL)) (i8x16.eq (local.get $v1) (local.get $NL))))
            (i8x16.add (i8x16.eq (local.get $v2) (local.get $NL)) (i8x16.eq (local.get $v3) (local.get $NL)))))
        (local.set $rounds (i32.add (local.get $rounds) (i32.const 1)))
        ;; A byte lane gains at most 4 per round and holds at most 255: fold in before it can wrap.
        (if (i32.eq (local.get $rounds) (i32.const 63))
          (then
            (local.set $total (i32.add (local.get $total) (call $sumBytes (local.get $acc))))
            (local.set $acc (v128.const i64x2 0 0))
            (local.set $rounds (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 64)))
        (br $blockLoop)))
    (global.set $next (local.get $end))
    (global.set $newlines (i32.add (local.get $total) (call $sumBytes (local.get $acc))))
    (local.get $hits))
)
