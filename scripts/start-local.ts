/** `npm run start:local`: the local stack with the production build (see local-stack.ts). */
import { runLocalStack } from "./local-stack";

void runLocalStack("start");
