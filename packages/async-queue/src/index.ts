export { AsyncQueue, QueueClosedError } from "./async-queue";
