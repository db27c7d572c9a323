// The one place the editor imports its view library from, so swapping or upgrading it
// touches one line. htm + Preact in one self-contained ES module (see vendor/SOURCE.txt).
export {
  html,
  render,
  useState,
  useEffect,
  useLayoutEffect,
  useRef,
  useMemo,
  useCallback,
} from "../vendor/htm-preact-3.1.1/standalone.module.js";
