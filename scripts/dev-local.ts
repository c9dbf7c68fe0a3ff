/** `npm run dev:local`: the local stack with the app under `next dev` (see local-stack.ts). */
import { runLocalStack } from "./local-stack";

void runLocalStack("dev");
