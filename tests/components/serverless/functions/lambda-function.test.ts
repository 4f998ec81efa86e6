/**
 * The LambdaFunction component and the pure functions behind it: system D's WebSocket handler as
 * an image in the VPC with a store's settings, secret references and grants; the daily question as
 * a .zip outside it; what must exist first (the account's repository, CI's image); every argument
 * rule; the runtime table; the secret-reference variables; the alarms.
 */
import { expect } from "chai";
import { FUNCTION_THRESHOLDS, functionAlarms } from "../../../../components/serverless/functions/alarms";
import {
    DEPRECATED_RUNTIMES,
    LAMBDA_LIMITS,
    SUPPORTED_RUNTIMES,
    environmentBytes,
    runtimeProblem,
    secretReadStatements,
    secretReferenceVariables,
} from "../../../../components/serverless/functions/lambda";
import { LambdaFunction, LambdaFunctionArgs } from "../../../../components/serverless/functions/lambda-function";
import { Naming } from "../../../../lib/naming";
import { baseTags } from "../../../../lib/tags";
import { AbsentThings, MOCK_ACCOUNT_ID } from "../../../../tooling/mock-runtime";
import { RunView, T, refusedArguments, runView } from "../../../support/query";
import { z } from "zod";

const FUNCTION = "aws:lambda/function:Function";
const naming = new Naming("couple", "prod");
const tags = baseTags({ project: "couple", env: "prod", stack: "test" });
const REGION = "ap-northeast-2";
const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${MOCK_ACCOUNT_ID}:secret:couple-prod/cache/auth-AbCdEf`;
const PARAMETER_ARN = `arn:aws:ssm:${REGION}:${MOCK_ACCOUNT_ID}:parameter/couple/prod/flags`;
const API_STATEMENT = {
    Sid: "PostToConnections",
    Effect: "Allow" as const,
    Action: "execute-api:ManageConnections",
    Resource: `arn:aws:execute-api:${REGION}:${MOCK_ACCOUNT_ID}:a1b2c3d4e5/prod/*/@connections/*`,
};

/** `ws-connect`: one handler of the shared WebSocket image, in the VPC, connected to the cache and the API. */
function wsArgs(change: Partial<LambdaFunctionArgs> = {}): LambdaFunctionArgs {
    return {
        naming,
        tags,
        key: "ws-connect",
        image: { repository: "couple-websocket", imageTag: "1.0.0", command: ["app.handlers.connect"] },
        timeoutSeconds: 10,
        environment: { LOG_LEVEL: "info", CACHE_HOST: "master.couple-prod-cache.apn2.cache.amazonaws.com" },
        secrets: { CACHE_PASSWORD: `${SECRET_ARN}:password::`, FLAGS: PARAMETER_ARN },
        statements: [API_STATEMENT],
        vpc: { subnetIds: ["subnet-0aaa", "subnet-0ccc"], securityGroupIds: ["sg-0lambda"] },
        logRetentionDays: 30,
        ...change,
    };
}

/** `daily-question`: a .zip on Python 3.13, arm64, outside any VPC. */
function dailyArgs(change: Partial<LambdaFunctionArgs> = {}): LambdaFunctionArgs {
    return {
        naming,
        tags,
        key: "daily-question",
        s3: { bucket: "couple-artifacts", key: "daily-question/1.0.0.zip", runtime: "python3.13", handler: "app.handler" },
        architecture: "arm64",
        timeoutSeconds: 60,
        logRetentionDays: 30,
        ...change,
    };
}

interface Statement {
    Sid: string;
    Action: string | string[];
    Resource: string | string[];
}
const statementsOf = (view: RunView, name: string): Statement[] => JSON.parse(view.one(T.rolePolicy, `${name}-policy`).inputs.policy as string).Statement as Statement[];

describe("components/lambda-function: ws-connect, an image in the VPC with a store's connection", () => {
    let view: RunView;
    before(async () => {
        view = await runView(() => {
            const fn = new LambdaFunction("functions-ws-connect", wsArgs());
            return { name: fn.functionName, arn: fn.arn, invokeArn: fn.invokeArn, roleArn: fn.roleArn, logGroup: fn.logGroupName };
        });
    });
    const fn = () => view.one(FUNCTION, "functions-ws-connect-function");

    it("is couple-prod-ws-connect, with its ARN and the invoke ARN API Gateway integrations take", () => {
        const arn = `arn:aws:lambda:${REGION}:${MOCK_ACCOUNT_ID}:function:couple-prod-ws-connect`;
        expect(view.run.outputs).to.deep.equal({
            name: "couple-prod-ws-connect",
            arn,
            invokeArn: `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${arn}/invocations`,
            roleArn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/couple-prod-ws-connect-lambda`,
            logGroup: "/aws/lambda/couple-prod-ws-connect",
        });
    });

    it("runs the pinned image from the account's repository with its CMD overridden, x86_64, 256 MB, 10 s, traced", () => {
        expect(fn().inputs).to.deep.include({
            packageType: "Image",
            imageUri: `${MOCK_ACCOUNT_ID}.dkr.ecr.${REGION}.amazonaws.com/couple-websocket:1.0.0`,
            imageConfig: { commands: ["app.handlers.connect"] },
            architectures: ["x86_64"],
            memorySize: 256,
            timeout: 10,
            tracingConfig: { mode: "Active" },
            role: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/couple-prod-ws-connect-lambda`,
        });
        expect(fn().inputs).to.not.have.any.keys("runtime", "handler", "s3Bucket", "s3Key", "reservedConcurrentExecutions");
    });

    it("runs in the given subnets behind the given group", () => {
        expect(fn().inputs.vpcConfig).to.deep.equal({ subnetIds: ["subnet-0aaa", "subnet-0ccc"], securityGroupIds: ["sg-0lambda"] });
    });

    it("gets plain settings as they are and each secret as its ARN (and JSON key), never a value, sorted", () => {
        expect(fn().inputs.environment).to.deep.equal({
            variables: {
                CACHE_HOST: "master.couple-prod-cache.apn2.cache.amazonaws.com",
                CACHE_PASSWORD_SECRET_ARN: SECRET_ARN,
                CACHE_PASSWORD_SECRET_KEY: "password",
                FLAGS_SECRET_ARN: PARAMETER_ARN,
                LOG_LEVEL: "info",
            },
        });
    });

    it("logs to its own group /aws/lambda/<name>, 30 days, created first", () => {
        const group = view.one(T.logGroup, "functions-ws-connect-logs");
        expect(group.inputs).to.deep.include({ name: "/aws/lambda/couple-prod-ws-connect", retentionInDays: 30 });
        expect(fn().inputs.loggingConfig).to.deep.equal({ logFormat: "Text", logGroup: "/aws/lambda/couple-prod-ws-connect" });
        expect(fn().options.dependsOn).to.include.members([group.urn, view.one(T.rolePolicy, "functions-ws-connect-policy").urn]);
    });

    it("has a role Lambda may assume for this account only", () => {
        const role = view.one(T.role, "functions-ws-connect-role");
        expect(role.inputs.name).to.equal("couple-prod-ws-connect-lambda");
        expect(JSON.parse(role.inputs.assumeRolePolicy as string)).to.deep.equal({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT_ID } } }],
        });
        expect(view.ofType(T.role)).to.have.length(1);
    });

    it("may write its own log group, trace, manage its VPC interfaces, read exactly its secret and parameter, and what its connections grant: nothing else", () => {
        expect(statementsOf(view, "functions-ws-connect")).to.deep.equal([
            { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `arn:aws:logs:${REGION}:${MOCK_ACCOUNT_ID}:log-group:/aws/lambda/couple-prod-ws-connect:*` },
            { Sid: "XRayWrite", Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: "*" },
            {
                Sid: "VpcNetworkInterfaces",
                Effect: "Allow",
                Action: ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"],
                Resource: "*",
            },
            { Sid: "ReadOwnSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: [SECRET_ARN] },
            { Sid: "ReadOwnParameters", Effect: "Allow", Action: ["ssm:GetParameter", "ssm:GetParameters"], Resource: [PARAMETER_ARN] },
            API_STATEMENT,
        ]);
        expect(JSON.stringify(statementsOf(view, "functions-ws-connect"))).to.not.contain("ecr:");
    });

    it("tags every resource with the stack's tags and Component lambda-function", () => {
        for (const resource of view.custom.filter((r) => r.type !== T.rolePolicy)) {
            expect(resource.inputs.tags, resource.name).to.include({ Project: "couple", Environment: "prod", ManagedBy: "pulumi", Component: "lambda-function" });
        }
        expect((fn().inputs.tags as Record<string, string>).Name).to.equal("couple-prod-ws-connect");
    });
});

describe("components/lambda-function: daily-question, a .zip outside any VPC", () => {
    let view: RunView;
    before(async () => {
        view = await runView(() => new LambdaFunction("functions-daily-question", dailyArgs({ reservedConcurrency: 1, memoryMb: 512 })));
    });
    const fn = () => view.one(FUNCTION, "functions-daily-question-function");

    it("runs the S3 object on python3.13, arm64, with its handler, and no image, VPC or environment", () => {
        expect(fn().inputs).to.deep.include({
            packageType: "Zip",
            s3Bucket: "couple-artifacts",
            s3Key: "daily-question/1.0.0.zip",
            runtime: "python3.13",
            handler: "app.handler",
            architectures: ["arm64"],
            memorySize: 512,
            timeout: 60,
            reservedConcurrentExecutions: 1,
            tracingConfig: { mode: "Active" },
        });
        expect(fn().inputs).to.not.have.any.keys("imageUri", "imageConfig", "vpcConfig", "environment");
    });

    it("gets no network-interface grant outside the VPC", () => {
        expect(statementsOf(view, "functions-daily-question").map((s) => s.Sid)).to.deep.equal(["WriteOwnLogs", "XRayWrite"]);
    });
});

describe("components/lambda-function: what must exist before it (the account stack's repository, CI's image)", () => {
    async function failure(absent: AbsentThings): Promise<string> {
        try {
            await runView(() => new LambdaFunction("functions-ws-connect", wsArgs()), { absent });
        } catch (err) {
            return (err as Error).message;
        }
        throw new Error("expected the run to fail");
    }

    it("stops with what to do when the repository does not exist", async () => {
        const message = await failure({ repositories: ["couple-websocket"] });
        expect(message).to.contain('LambdaFunction "functions-ws-connect": ECR repository couple-websocket is not in this account and region (RepositoryNotFoundException');
        expect(message).to.contain("the account stack creates the repositories (platform:repositories in Pulumi.account.yaml)");
    });

    it("stops when the image tag was never pushed", async () => {
        const message = await failure({ images: ["couple-websocket:1.0.0"] });
        expect(message).to.contain('LambdaFunction "functions-ws-connect": image couple-websocket:1.0.0 is not in ECR (ImageNotFoundException');
        expect(message).to.contain("or set the function's image.imageTag to one that is there");
    });

    it("takes a sha256 digest as the image", async () => {
        const digest = `sha256:${"b".repeat(64)}`;
        const view = await runView(() => new LambdaFunction("functions-ws-connect", wsArgs({ image: { repository: "couple-websocket", imageTag: digest } })));
        expect(view.one(FUNCTION, "functions-ws-connect-function").inputs.imageUri).to.equal(`${MOCK_ACCOUNT_ID}.dkr.ecr.${REGION}.amazonaws.com/couple-websocket@${digest}`);
    });

    it("stops when the environment, with the connections' variables, is over Lambda's 4 KB", async () => {
        try {
            await runView(() => new LambdaFunction("functions-ws-connect", wsArgs({ environment: { BIG: "x".repeat(3900) } })));
        } catch (err) {
            expect((err as Error).message).to.match(/LambdaFunction "ws-connect": its environment is 4\d\d\d bytes with its connections' variables; Lambda allows 4096/);
            return;
        }
        throw new Error("expected the run to fail");
    });
});

describe("components/lambda-function: bad arguments", () => {
    it("lists every problem before registering anything", async () => {
        expect(
            await refusedArguments("LambdaFunction", () =>
                new LambdaFunction(
                    "functions-ws-connect",
                    wsArgs({
                        s3: { bucket: "b", key: "k", runtime: "nodejs20.x", handler: "" },
                        image: { repository: "Couple_WS", imageTag: "latest", command: [] },
                        memoryMb: 64,
                        timeoutSeconds: 901,
                        reservedConcurrency: -1,
                        environment: { DB_PASSWORD: "hunter2", AWS_REGION: "us-east-1", CACHE_PASSWORD_SECRET_ARN: "x" },
                        secrets: { CACHE_PASSWORD: "not-an-arn" },
                    }),
                ),
            ),
        ).to.deep.equal([
            ": has both image and s3; a function's code is one of them",
            'image.repository: ecrRepository name "Couple_WS" is not allowed; AWS allows lowercase letters, digits and single ._-/ separators',
            'image.imageTag: "latest" is a moving tag; repositories are immutable, so deploy a version tag or a sha256: digest',
            "image.command: [] is not a command; give the handler and its arguments as non-empty strings, or leave command out to run the image's CMD",
            's3.runtime: "nodejs20.x" is deprecated by AWS Lambda (no more security patches); use "nodejs24.x"',
            "s3.handler: is empty",
            "memoryMb: 64 is outside Lambda's 128–10240 MB (whole MB)",
            "timeoutSeconds: 901 is outside Lambda's 1–900 seconds (whole seconds)",
            "reservedConcurrency: -1 is not a concurrency; use a whole number, 0 or more (0 stops the function from running)",
            'environment.DB_PASSWORD: "DB_PASSWORD" looks like a secret; never put it in environment: move it to secrets as a Secrets Manager or SSM parameter ARN',
            'environment.CACHE_PASSWORD_SECRET_ARN: "CACHE_PASSWORD_SECRET_ARN" looks like a secret; never put it in environment: move it to secrets as a Secrets Manager or SSM parameter ARN',
            'environment.AWS_REGION: "AWS_REGION" is set by Lambda itself; choose another name',
            "secrets.CACHE_PASSWORD: is not a complete Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6-character suffix>) or an SSM parameter ARN (arn:aws:ssm:<region>:<account>:parameter/<name>); secrets are passed by reference, never as values",
            'environment.CACHE_PASSWORD_SECRET_ARN: "CACHE_PASSWORD_SECRET_ARN" is also made from secrets.CACHE_PASSWORD; a variable comes from one place',
        ]);
    });

    it("refuses a function without code, and a name that makes a function name over 64 characters", async () => {
        const key = `q${"x".repeat(52)}`;
        expect(await refusedArguments("LambdaFunction", () => new LambdaFunction("f", dailyArgs({ key, s3: undefined })))).to.deep.equal([
            `: makes the function name "couple-prod-${key}", which is 65 characters; Lambda allows at most 64: shorten the function's name or platform:name`,
            `: makes a name AWS refuses: iamRole name "couple-prod-${key}-lambda" is 72 characters; AWS allows at most 64; shorten the function's name or platform:name`,
            ": has no code; give image ({ repository, imageTag, command? }) or s3 ({ bucket, key, runtime, handler })",
        ]);
    });
});

describe("components/lambda-function: Lambda's runtimes, environment size and secret references", () => {
    it("supports only runtimes AWS has not deprecated, each deprecated one pointing at a supported successor", () => {
        expect(Object.keys(SUPPORTED_RUNTIMES)).to.include.members(["nodejs24.x", "nodejs22.x", "python3.13", "java21", "provided.al2023"]);
        for (const [runtime, successor] of Object.entries(DEPRECATED_RUNTIMES)) {
            expect(SUPPORTED_RUNTIMES, runtime).to.not.have.property(runtime);
            expect(SUPPORTED_RUNTIMES, `${runtime} → ${successor}`).to.have.property(successor);
        }
        for (const { deprecation } of Object.values(SUPPORTED_RUNTIMES)) {
            expect(deprecation > "2026-11-29", deprecation).to.equal(true);
        }
        expect(runtimeProblem("python3.13")).to.equal(undefined);
        expect(runtimeProblem("go1.x")).to.equal('"go1.x" is deprecated by AWS Lambda (no more security patches); use "provided.al2023"');
        expect(runtimeProblem("cobol")).to.match(/^"cobol" is not a Lambda runtime; use one of nodejs24\.x, /);
    });

    it("counts the environment as Lambda does: the JSON of the variables, in bytes", () => {
        expect(environmentBytes({})).to.equal(2);
        expect(environmentBytes({ A: "b" })).to.equal(9);
        expect(environmentBytes({ K: "한" })).to.equal(11);
        expect(LAMBDA_LIMITS.environmentBytes).to.equal(4096);
    });

    it("turns a reference into <VAR>_SECRET_ARN (without the JSON key) and <VAR>_SECRET_KEY only when there is one", () => {
        expect(secretReferenceVariables("DB", `${SECRET_ARN}:password::`)).to.deep.equal({ DB_SECRET_ARN: SECRET_ARN, DB_SECRET_KEY: "password" });
        expect(secretReferenceVariables("DB", SECRET_ARN)).to.deep.equal({ DB_SECRET_ARN: SECRET_ARN });
        expect(secretReferenceVariables("FLAGS", PARAMETER_ARN)).to.deep.equal({ FLAGS_SECRET_ARN: PARAMETER_ARN });
    });

    it("grants each secret once, by its ARN without the JSON key", () => {
        expect(secretReadStatements([`${SECRET_ARN}:password::`, `${SECRET_ARN}:username::`])).to.deep.equal([
            { Sid: "ReadOwnSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: [SECRET_ARN] },
        ]);
        expect(secretReadStatements([])).to.deep.equal([]);
    });
});

describe("components/functions alarms", () => {
    const thresholds = z.object(FUNCTION_THRESHOLDS).parse({});
    const specs = functionAlarms({ key: "ws-connect", functionName: "couple-prod-ws-connect", timeoutSeconds: 10 }, thresholds);

    it("alarms on any error, any throttle, and a p95 duration above 80% of the function's timeout", () => {
        expect(specs.map((s) => [s.key, s.metric?.metricName, s.metric?.stat, s.metric?.period, s.comparison, s.threshold, s.evaluationPeriods])).to.deep.equal([
            ["lambda-ws-connect-errors", "Errors", "Sum", 300, "GreaterThanThreshold", 0, 1],
            ["lambda-ws-connect-throttles", "Throttles", "Sum", 300, "GreaterThanThreshold", 0, 1],
            ["lambda-ws-connect-duration", "Duration", "p95", 300, "GreaterThanThreshold", 8000, 3],
        ]);
        for (const spec of specs) {
            expect(spec.metric?.namespace).to.equal("AWS/Lambda");
            expect(spec.metric?.dimensions).to.deep.equal({ FunctionName: "couple-prod-ws-connect" });
            expect(spec.group).to.equal("lambda");
            expect(spec.treatMissingData).to.equal("notBreaching");
        }
        expect(specs[2].thresholdSource).to.equal("platform:monitoring.thresholds.lambdaDurationPercentOfTimeout of platform:functions.ws-connect.timeoutSeconds");
    });

    it("reads its thresholds from the keys it declares", () => {
        const strict = functionAlarms({ key: "daily", functionName: "f", timeoutSeconds: 60 }, { lambdaErrors: 5, lambdaThrottles: 2, lambdaDurationPercentOfTimeout: 50 });
        expect(strict.map((s) => s.threshold)).to.deep.equal([5, 2, 30000]);
    });
});
