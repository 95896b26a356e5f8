const L=require('./build/bench/library'),F=require('./build/bench/fleet-params');
const p=F.fleetParams(10,100);
for(let i=0;i<3;i++)L.libraryK8s(p);
const t=process.cpuUsage();for(let i=0;i<10;i++)L.libraryK8s(p);console.log('k8s ms/synth',(process.cpuUsage(t).user/1000/10).toFixed(1));
